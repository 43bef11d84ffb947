/**
 * What a tool call printed, read from the places agents put it: ACP's
 * `rawOutput`, and the terminal output Codex's adapter streams in `_meta`
 * (`terminal_output` / `terminal_output_delta` chunks, then `terminal_exit`)
 * whether or not the client offered terminals. Pure, for the transcript fold.
 */
import { isObject } from './journal';

/** The output kept per tool call: its tail, so a command that prints megabytes cannot swell the transcript. */
export const TOOL_OUTPUT_MAX = 64 * 1024;

/** Keeps the last `TOOL_OUTPUT_MAX` characters of `have + more`, saying when the head was cut. */
export function appendOutput(have: string, more: string): string {
  const all = have + more;
  if (all.length <= TOOL_OUTPUT_MAX) return all;
  const marker = '… (earlier output cut)\n';
  return marker + all.slice(all.length - (TOOL_OUTPUT_MAX - marker.length));
}

/** The terminal facts one `tool_call_update`'s `_meta` carries: an output chunk, an exit, both or neither. */
export function terminalMeta(meta: unknown): { chunk: string | null; exit: { code: number | null; signal: string | null } | null } {
  if (!isObject(meta)) return { chunk: null, exit: null };
  // Codex's adapter has named the chunk both ways across versions; each chunk is new output either way.
  const out = isObject(meta.terminal_output_delta) ? meta.terminal_output_delta : isObject(meta.terminal_output) ? meta.terminal_output : null;
  const chunk = out && typeof out.data === 'string' ? out.data : null;
  const e = isObject(meta.terminal_exit) ? meta.terminal_exit : null;
  const exit = e ? { code: typeof e.exit_code === 'number' ? e.exit_code : null, signal: typeof e.signal === 'string' ? e.signal : null } : null;
  return { chunk, exit };
}

const FIRST_TEXT = ['formatted_output', 'aggregated_output', 'output', 'stdout', 'result', 'content', 'text'] as const;
const ERROR_KEYS = ['error', 'stderr', 'message'] as const;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim().length > 0 ? v : null);

/**
 * A tool's `rawOutput` in words: a string as it is; an object by its usual
 * output and error fields (Codex: `formatted_output` / `aggregated_output`,
 * `stderr`; others: `output`, `error`); anything else as JSON.
 */
export function rawOutputText(raw: unknown): { output: string | null; error: string | null } {
  if (raw === undefined || raw === null) return { output: null, error: null };
  if (typeof raw === 'string') return { output: str(raw), error: null };
  if (!isObject(raw)) return { output: JSON.stringify(raw), error: null };
  let output: string | null = null;
  for (const k of FIRST_TEXT) {
    output = str(raw[k]) ?? (Array.isArray(raw[k]) ? contentText(raw[k]) : null);
    if (output) break;
  }
  let error: string | null = null;
  for (const k of ERROR_KEYS) {
    const v = raw[k];
    error = str(v) ?? (isObject(v) ? str(v.message) : null);
    if (error) break;
  }
  // The aggregate already holds stderr: the error pane repeats it only when it is not in the output.
  if (error && output?.includes(error.trim())) error = null;
  if (!output && !error) output = clip(JSON.stringify(raw, null, 2));
  return { output, error };
}

function contentText(v: unknown[]): string | null {
  const parts = v.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).filter(Boolean);
  return parts.length > 0 ? parts.join('\n') : null;
}

const clip = (s: string): string => (s.length > TOOL_OUTPUT_MAX ? `${s.slice(0, TOOL_OUTPUT_MAX)}…` : s);
