/** Reads a Chromium trace (browser.startTracing) for what the Long Tasks API cannot say: how much of a long task was CPU. */
import { readFile } from 'node:fs/promises';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * The renderer main thread's tasks over 50 ms of wall time, split by their own CPU time: on a loaded machine a
 * 5 ms frame that waited for a core is as long as a 60 ms one that computed; only the second is the page's doing.
 */
export async function longTaskCpu(file: string): Promise<{ long: number; overCpu50: number; underCpu10: number; worstCpuMs: number }> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  const events: TraceEvent[] = Array.isArray(parsed) ? parsed : (parsed as { traceEvents: TraceEvent[] }).traceEvents;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const long = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`) && (e.dur ?? 0) > 50_000);
  const cpu = long.map((e) => (e.tdur ?? 0) / 1000);
  return { long: long.length, overCpu50: cpu.filter((c) => c > 50).length, underCpu10: cpu.filter((c) => c < 10).length, worstCpuMs: Math.round(Math.max(0, ...cpu)) };
}
