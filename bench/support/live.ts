/** The live traffic both live benches stream (issue 16): 20 sessions of the scripted agent, 2,000 stamped chunks a second in all. */
import type { BenchApp } from './app';

export const SESSIONS = Number(process.env.BENCH_LIVE_SESSIONS ?? 20);
export const PER_SECOND = Number(process.env.BENCH_LIVE_RATE ?? 2000) / SESSIONS;
export const SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 10);
/**
 * A paragraph every 10 chunks (~400 characters), as agents write; 0 streams one paragraph of ~40 KB, which the
 * page must lay out again whole for every chunk (ADR 0032).
 */
export const PARAGRAPH_EVERY = Number(process.env.BENCH_LIVE_PARAGRAPH_EVERY ?? 10);
/** Each chunk's text starts with the time of the agent's write. */
export const STAMP = /^t=(\d+) /;

/**
 * A project whose agents stream on the prompt "stream now" (each session PER_SECOND chunks a second for SECONDS,
 * every chunk stamped), and SESSIONS sessions of it, idle after their first turn.
 */
export async function liveSessions(app: BenchApp): Promise<string[]> {
  const script = {
    prompts: [{ match: 'stream', steps: [{ type: 'burst', count: Math.round(PER_SECOND * SECONDS), perSecond: PER_SECOND, stamp: true, text: 'live chunk of agent text. ', paragraphEvery: PARAGRAPH_EVERY }] }],
    default: { steps: [{ type: 'text', text: 'ready' }] },
  };
  const projectId = await app.project('live', script);
  return app.idleSessions(projectId, SESSIONS);
}
