import type { z } from 'zod';
import type { Result } from './result';

/**
 * The contract is declared once here, as data (zod schemas), so that main can
 * validate every input at runtime and both sides derive their types from it.
 */
export interface ProcedureDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  /**
   * Set on events that go only to clients subscribed to one topic (a terminal's output goes to the UIs that
   * have that terminal open): the topic of a payload. A method, so a def typed by its own payload still
   * stands for the plain `EventDef` of `ContractDef`.
   */
  topic?(payload: z.output<P>): string;
  /**
   * With `topic`: a subscription without one is allowed too and gets every topic's payloads (a session's
   * records: the page takes the open session's alone, a script or the CLI may follow them all).
   */
  readonly anyTopic?: boolean;
}

export interface DomainDef {
  readonly procedures: Readonly<Record<string, ProcedureDef>>;
  readonly events: Readonly<Record<string, EventDef>>;
}

export const procedure = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): ProcedureDef<I, O> => ({
  input,
  output,
});

export const event = <P extends z.ZodType>(payload: P, opts?: { topic(payload: z.output<P>): string; anyTopic?: boolean }): EventDef<P> =>
  opts ? { payload, topic: (p) => opts.topic(p), ...(opts.anyTopic ? { anyTopic: true } : {}) } : { payload };

export const domain = <D extends DomainDef>(def: D): D => def;

export type ContractDef = Readonly<Record<string, DomainDef>>;

/** Wire names are `<domain>.<name>`, e.g. `projects.list`. */
export type ProcedureName<C extends ContractDef> = {
  [D in keyof C & string]: `${D}.${keyof C[D]['procedures'] & string}`;
}[keyof C & string];

export type EventName<C extends ContractDef> = {
  [D in keyof C & string]: `${D}.${keyof C[D]['events'] & string}`;
}[keyof C & string];

type Split<N extends string> = N extends `${infer D}.${infer P}` ? [D, P] : never;

export type ProcedureOf<C extends ContractDef, N extends ProcedureName<C>> = C[Split<N>[0]]['procedures'][Split<N>[1]];
export type EventOf<C extends ContractDef, N extends EventName<C>> = C[Split<N>[0]]['events'][Split<N>[1]];

export type InputOf<C extends ContractDef, N extends ProcedureName<C>> = z.input<ProcedureOf<C, N>['input']>;
export type OutputOf<C extends ContractDef, N extends ProcedureName<C>> = z.output<ProcedureOf<C, N>['output']>;
/** An event's payload as listeners and subscribers receive it (parsed). */
export type PayloadOf<C extends ContractDef, N extends EventName<C>> = z.output<EventOf<C, N>['payload']>;
/** An event's payload as `emit` accepts it (before main parses it). */
export type EmitPayloadOf<C extends ContractDef, N extends EventName<C>> = z.input<EventOf<C, N>['payload']>;
/** One event as a listener sees it: the name narrows the payload (`if (name === 'sessions.changed') payload.sessionId`). */
export type EventArgs<C extends ContractDef> = { [N in EventName<C>]: [name: N, payload: PayloadOf<C, N>] }[EventName<C>];

/** The renderer's typed client: `api.projects.list(input)`. */
export type ClientOf<C extends ContractDef> = {
  [D in keyof C]: {
    [P in keyof C[D]['procedures']]: (
      input: z.input<C[D]['procedures'][P]['input']>,
    ) => Promise<Result<z.output<C[D]['procedures'][P]['output']>>>;
  };
};

/** Main's handler table: a missing handler fails to compile. */
export type HandlersOf<C extends ContractDef, Ctx> = {
  [D in keyof C]: {
    [P in keyof C[D]['procedures']]: (
      input: z.output<C[D]['procedures'][P]['input']>,
      ctx: Ctx,
    ) =>
      | Result<z.input<C[D]['procedures'][P]['output']>>
      | Promise<Result<z.input<C[D]['procedures'][P]['output']>>>;
  };
};

export function splitName(name: string): [string, string] | null {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return null;
  return [name.slice(0, dot), name.slice(dot + 1)];
}

export function lookupProcedure(contract: ContractDef, name: string): ProcedureDef | undefined {
  const parts = splitName(name);
  if (!parts) return undefined;
  const d = Object.hasOwn(contract, parts[0]) ? contract[parts[0]] : undefined;
  return d && Object.hasOwn(d.procedures, parts[1]) ? d.procedures[parts[1]] : undefined;
}

export function lookupEvent(contract: ContractDef, name: string): EventDef | undefined {
  const parts = splitName(name);
  if (!parts) return undefined;
  const d = Object.hasOwn(contract, parts[0]) ? contract[parts[0]] : undefined;
  return d && Object.hasOwn(d.events, parts[1]) ? d.events[parts[1]] : undefined;
}

/**
 * An event's payload schema, typed by the event's name. The contract is
 * indexed by a string at runtime, which tsc cannot follow through `N`; this
 * is the one place that says the schema found is the one the name declares.
 */
export function eventSchema<C extends ContractDef, N extends EventName<C>>(contract: C, name: N): z.ZodType<PayloadOf<C, N>, EmitPayloadOf<C, N>> {
  const def = lookupEvent(contract, name);
  if (!def) throw new Error(`Unknown event ${name}`);
  const schema: z.ZodType = def.payload;
  return schema as z.ZodType<PayloadOf<C, N>, EmitPayloadOf<C, N>>;
}

export function procedureNames(contract: ContractDef): string[] {
  return Object.entries(contract).flatMap(([d, def]) => Object.keys(def.procedures).map((p) => `${d}.${p}`));
}
