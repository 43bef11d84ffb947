import { z } from 'zod';
import { domain, event, procedure, type HandlersOf } from '../../src/shared/contract';
import { fail, ok } from '../../src/shared/result';

/** A small contract of our own so the adapters are tested on every path, independent of Baton's domains. */
export const testContract = {
  math: domain({
    procedures: {
      add: procedure(z.object({ a: z.number(), b: z.number() }).strict(), z.object({ sum: z.number() })),
      divide: procedure(z.object({ a: z.number(), b: z.number() }).strict(), z.number()),
      boom: procedure(z.object({}).strict(), z.number()),
      leak: procedure(z.object({}).strict(), z.object({ name: z.string() })),
    },
    events: {
      ticked: event(z.object({ n: z.number().int() })),
      /** Sent per topic, as terminals.output is: only to the subscribers of its `stream`. */
      streamed: event(z.object({ stream: z.string(), n: z.number().int() }), { topic: (p) => p.stream }),
      /** Per topic, or all topics to a subscription without one, as sessions.records is. */
      fed: event(z.object({ stream: z.string(), n: z.number().int() }), { topic: (p) => p.stream, anyTopic: true }),
    },
  }),
};

export type TestContract = typeof testContract;

export const testHandlers: HandlersOf<TestContract, { via: string }> = {
  math: {
    add: ({ a, b }) => ok({ sum: a + b }),
    divide: ({ a, b }) => (b === 0 ? fail('division_by_zero', 'Cannot divide by zero.') : ok(a / b)),
    boom: () => {
      throw new Error('kaboom\n    at secretFunction (/home/me/secret.ts:1:1)');
    },
    // Returns a field the contract does not declare: it must never reach the caller.
    leak: () => ok({ name: 'visible', secret: 'hunter2' } as { name: string }),
  },
};
