import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MCP_TOKEN_FILE_ARG, MCP_TOKEN_VAR } from '../../shared/tool-args';
import { controlSocketOf } from '../control/socket-path';
import { reachControl, type ToolAnswer, type ToolCaller } from './tool-caller';

/**
 * Baton's MCP server as the orchestrator's agent starts it (stdio), here or on an SSH destination
 * (ADR 0018). It holds no state: every tool call goes to the running app over its control socket —
 * found afresh through `<dataDir>/control.json` (`--data-dir`), or at `--socket` (on a destination: the
 * end of the link's reverse forward). It imports only Node and zod-free src/shared, so it runs from the
 * remote bundle: a small MCP server written out (initialize, ping, tools/list, tools/call) rather than
 * the SDK, the tools' JSON schemas read from `--tools` (made by main from ORCHESTRATOR_TOOLS), and every
 * argument validated by main, which refuses what a tool does not take.
 */
const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, socket: { type: 'string' }, session: { type: 'string' }, tools: { type: 'string' }, [MCP_TOKEN_FILE_ARG.slice(2)]: { type: 'string' } },
});
const dataDir = values['data-dir'];
const socketArg = values.socket;
const sessionId = values.session ?? '';
const tokenFile = values[MCP_TOKEN_FILE_ARG.slice(2)];
if ((!dataDir && !socketArg) || !sessionId || !values.tools) {
  process.stderr.write('baton mcp bridge: --session, --tools and one of --data-dir or --socket are required\n');
  process.exit(2);
}

/** The MCP protocol versions whose tools part this server speaks (it is the same in each); the newest first. */
const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

function readTools(path: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // Said below: a bridge without its tool list cannot serve an agent.
  }
  process.stderr.write(`baton mcp bridge: cannot read the tool list ${path}; restart the orchestrator so Baton writes it again\n`);
  process.exit(2);
}
const tools = readTools(values.tools as string);

/** Read at each call: the file is main's to rewrite, and a bridge outlives restarts of Baton. An agent started before ADR 0011 has it in its env. */
function token(): string {
  if (!tokenFile) return process.env[MCP_TOKEN_VAR] ?? '';
  try {
    return readFileSync(tokenFile, 'utf8').trim();
  } catch {
    return '';
  }
}

/** How long a call waits for Baton (a restart, a hot reload, a link coming back) before saying it is not reachable. */
const RECONNECT_MS = 30_000;

let caller: ToolCaller | null = null;
let connecting: Promise<ToolCaller> | null = null;

async function ensureCaller(): Promise<ToolCaller> {
  if (caller) return caller;
  connecting ??= (async () => {
    const end = Date.now() + RECONNECT_MS;
    for (;;) {
      // Asked afresh each time: control.json may name a new socket after a restart.
      const r = await reachControl(socketArg ?? controlSocketOf(dataDir as string));
      if (r.state === 'connected') {
        const c = r.caller;
        caller = c;
        void c.closed.then(() => {
          if (caller === c) caller = null;
        });
        return c;
      }
      if (r.state === 'failed') throw new Error(r.message);
      if (Date.now() > end) throw new Error(socketArg ? 'Baton cannot be reached from this machine (it is not running, or its ssh link is down), so its tools are unavailable. Ask the user to check Baton.' : 'Baton is not running, so its tools are unavailable. Ask the user to open Baton.');
      await new Promise((done) => setTimeout(done, 250));
    }
  })().finally(() => (connecting = null));
  return connecting;
}

async function callTool(name: string, args: unknown): Promise<ToolAnswer> {
  let c: ToolCaller;
  try {
    c = await ensureCaller();
  } catch (e) {
    return { ok: false, error: { code: 'baton_unavailable', message: e instanceof Error ? e.message : String(e) } };
  }
  const r = await c.call({ sessionId, token: token(), name, args });
  // Baton went away mid-call; the agent may call again.
  if (!r.ok && r.error.code === 'disconnected') return { ok: false, error: { code: 'baton_restarted', message: 'Baton restarted (or its link dropped) during this call; call the tool again.' } };
  return r;
}

type Id = string | number | null;
const send = (msg: Record<string, unknown>): void => void process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...msg }) + '\n');
const answer = (id: Id, result: unknown): void => send({ id, result });
const refuse = (id: Id, code: number, message: string): void => send({ id, error: { code, message } });
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function onRequest(id: Id, method: string, params: Record<string, unknown>): Promise<void> {
  if (method === 'initialize') {
    const asked = params.protocolVersion;
    const protocolVersion = typeof asked === 'string' && PROTOCOL_VERSIONS.includes(asked) ? asked : PROTOCOL_VERSIONS[0];
    return answer(id, { protocolVersion, capabilities: { tools: { listChanged: false } }, serverInfo: { name: 'baton', version: '1' } });
  }
  if (method === 'ping') return answer(id, {});
  if (method === 'tools/list') return answer(id, { tools });
  if (method === 'tools/call') {
    if (typeof params.name !== 'string') return refuse(id, -32602, 'tools/call needs a tool name.');
    const r = await callTool(params.name, params.arguments ?? {});
    const text = r.ok ? JSON.stringify(r.value, null, 2) : `${r.error.code}: ${r.error.message}`;
    return answer(id, { content: [{ type: 'text', text }], ...(r.ok ? {} : { isError: true }) });
  }
  refuse(id, -32601, `Baton's MCP server has no method ${method}.`);
}

/** One JSON-RPC message per line (MCP's stdio transport). Notifications (no id) need no answer; none changes anything here. */
function onLine(line: string): void {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return refuse(null, -32700, 'A line on stdin is not JSON.');
  }
  if (!isRecord(msg) || typeof msg.method !== 'string') return;
  const id = msg.id;
  if (typeof id !== 'string' && typeof id !== 'number') return;
  onRequest(id, msg.method, isRecord(msg.params) ? msg.params : {}).catch((e: unknown) => refuse(id, -32603, e instanceof Error ? e.message : String(e)));
}

let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buf += chunk;
  let nl: number;
  while ((nl = buf.indexOf('\n')) !== -1) {
    const line = buf.slice(0, nl).trim();
    buf = buf.slice(nl + 1);
    if (line) onLine(line);
  }
});
// The agent closing our stdin is the end of the session.
process.stdin.on('end', () => process.exit(0));
