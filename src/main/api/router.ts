import type { ContractDef, HandlersOf } from '../../shared/contract';
import { lookupProcedure } from '../../shared/contract';
import { ErrorCode } from '../../shared/errors';
import { fail, ok, type Result } from '../../shared/result';
import { describeZodError } from './validation';

export interface Router<Ctx> {
  call(name: string, input: unknown, ctx: Ctx): Promise<Result<unknown>>;
}

type AnyHandler<Ctx> = (input: unknown, ctx: Ctx) => Result<unknown> | Promise<Result<unknown>>;

export interface RouterOptions {
  /** Where bugs (thrown errors, invalid outputs) are reported with their stack; never sent to callers. */
  onBug?: (name: string, error: unknown) => void;
  /**
   * Why calls are refused now (the core is shutting down, its database closing), or null. A call that arrives
   * while the app quits (a browser tab, a `baton` command) is told so, instead of reaching a closed store.
   */
  refusal?: () => string | null;
}

/**
 * The one place a call is validated and dispatched; both adapters (IPC,
 * WebSocket) go through it, so they cannot disagree on what is accepted.
 */
export function createRouter<C extends ContractDef, Ctx>(
  contract: C,
  handlers: HandlersOf<C, Ctx>,
  options: RouterOptions = {},
): Router<Ctx> {
  const table = handlers as unknown as Record<string, Record<string, AnyHandler<Ctx>>>;
  const onBug = options.onBug ?? ((name, e) => console.error(`[baton] ${name} failed:`, e));

  return {
    async call(name, input, ctx) {
      const def = typeof name === 'string' ? lookupProcedure(contract, name) : undefined;
      const [domainName = '', procName = ''] = typeof name === 'string' ? name.split('.', 2) : [];
      const handler = def ? table[domainName]?.[procName] : undefined;
      if (!def || !handler) {
        return fail(ErrorCode.unknownProcedure, `There is no procedure named "${String(name)}".`);
      }
      const parsed = def.input.safeParse(input === undefined ? {} : input);
      if (!parsed.success) return fail(ErrorCode.invalidInput, describeZodError(parsed.error, undefined, String(name)));
      const refused = options.refusal?.();
      if (refused) return fail(ErrorCode.storeUnavailable, refused);
      try {
        const result = await handler(parsed.data, ctx);
        if (!result.ok) return fail(result.error.code, result.error.message);
        // Parsing the output also strips fields the contract does not declare, so nothing extra leaks.
        const out = def.output.safeParse(result.value);
        if (!out.success) {
          onBug(name, new Error(`invalid output: ${describeZodError(out.error, 'output')}`));
          return fail(ErrorCode.internal, `Baton produced an invalid answer to ${name}. This is a bug; please report it.`);
        }
        return ok(out.data);
      } catch (e) {
        onBug(name, e);
        return fail(thrownCode(e), thrownMessage(e));
      }
    },
  };
}

function thrownCode(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' && /^[a-z_]+$/.test(e.code)) {
    return e.code;
  }
  return ErrorCode.internal;
}

/** Only the first line: a stack trace never leaves main. */
export function thrownMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : typeof e === 'string' ? e : 'Unexpected error';
  return (raw.split('\n')[0] ?? '').slice(0, 500) || 'Unexpected error';
}
