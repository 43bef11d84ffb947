import type { Core } from '../../../src/main/app/core';
import type { SessionSummary } from '../../../src/shared/contracts/sessions';
import type { JournalRecord } from '../../../src/shared/journal';
import { buildTranscript } from '../../../src/shared/transcript';
import { readFileSync } from 'node:fs';
import { MCP_TOKEN_FILE_ARG } from '../../../src/shared/tools';
import type { Caller } from '../../support/core-harness';

/**
 * The tool token Baton gave an orchestrator, read where the agent's bridge
 * gets it: the file its MCP server entry (in the journaled session/new) names.
 */
export async function toolToken(call: Caller, sessionId: string): Promise<string> {
  const { records } = await call<{ records: JournalRecord[] }>('sessions.records', { id: sessionId, afterSeq: 0, limit: 10_000 });
  for (const r of records) {
    const m = r.msg as { method?: string; params?: { mcpServers?: { args?: string[] }[] } };
    if (r.dir !== 'out' || m.method !== 'session/new') continue;
    const args = m.params?.mcpServers?.[0]?.args ?? [];
    const file = args[args.indexOf(MCP_TOKEN_FILE_ARG) + 1];
    if (args.includes(MCP_TOKEN_FILE_ARG) && file) return readFileSync(file, 'utf8').trim();
  }
  throw new Error(`no MCP token in the journal of ${sessionId}`);
}

/** Calls an orchestrator tool the way its MCP bridge does (the control socket hands it to this same function). */
export function toolCaller(core: Core, sessionId: string, token: string) {
  return async <T = unknown>(name: string, args: unknown = {}): Promise<T> => {
    const r = await core.callTool({ sessionId, token, name, args });
    if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), { code: r.error.code });
    return r.value as T;
  };
}

/** The prompts an orchestrator received, in order (what the user or a wake sent it). */
export async function prompts(call: Caller, sessionId: string): Promise<string[]> {
  const { records } = await call<{ records: JournalRecord[] }>('sessions.records', { id: sessionId, afterSeq: 0, limit: 50_000 });
  return buildTranscript(records).items.flatMap((i) => (i.type === 'user' ? [i.text] : []));
}

export async function cancels(call: Caller, sessionId: string): Promise<number> {
  const { records } = await call<{ records: JournalRecord[] }>('sessions.records', { id: sessionId, afterSeq: 0, limit: 50_000 });
  return records.filter((r) => r.dir === 'out' && (r.msg as { method?: string }).method === 'session/cancel').length;
}

export const wakePrompts = (all: string[]): string[] => all.filter((p) => p.startsWith('(Baton) Wake-up'));

export async function state(call: Caller, id: string): Promise<SessionSummary['state']> {
  return (await call<SessionSummary>('sessions.get', { id })).state;
}
