import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTROL_INFO_NAME, ControlInfo, ControlServerFrame, type ToolRequest } from '../../shared/control';
import { MCP_TOKEN_VAR, ORCHESTRATOR_TOOL_NAMES, ORCHESTRATOR_TOOLS } from '../../shared/tools';

/**
 * Baton's MCP server as the orchestrator's agent starts it (stdio). It holds
 * no state: every tool call goes to the running app over its control socket,
 * found afresh through `<dataDir>/control.json`, so the agent keeps its tools
 * across restarts of Baton. It imports nothing of the app's domain code.
 */
const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, session: { type: 'string' } } });
const dataDir = values['data-dir'];
const sessionId = values.session;
const token = process.env[MCP_TOKEN_VAR] ?? '';
if (!dataDir || !sessionId) {
  process.stderr.write('baton mcp bridge: --data-dir and --session are required\n');
  process.exit(2);
}

/** How long a call waits for Baton to come back (a restart, a hot reload) before saying it is not running. */
const RECONNECT_MS = 30_000;

type ToolOutcome = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

let socket: Socket | null = null;
let connecting: Promise<Socket> | null = null;
let nextId = 1;
const waiting = new Map<number, (o: ToolOutcome) => void>();

function socketPath(): string | null {
  try {
    const info = ControlInfo.safeParse(JSON.parse(readFileSync(join(dataDir as string, CONTROL_INFO_NAME), 'utf8')));
    return info.success ? info.data.socket : null;
  } catch {
    return null;
  }
}

function open(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    let buf = '';
    s.setEncoding('utf8');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
    s.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let frame: unknown;
        try {
          frame = JSON.parse(line);
        } catch {
          continue;
        }
        const f = ControlServerFrame.safeParse(frame);
        if (!f.success || f.data.t !== 'tool_result') continue;
        const settle = waiting.get(f.data.id);
        waiting.delete(f.data.id);
        settle?.(f.data.ok ? { ok: true, value: f.data.value } : { ok: false, error: f.data.error });
      }
    });
    s.on('close', () => {
      if (socket === s) socket = null;
      // Calls in flight are answered: Baton went away mid-call; the agent may call again.
      for (const settle of waiting.values()) settle({ ok: false, error: { code: 'baton_restarted', message: 'Baton restarted during this call; call the tool again.' } });
      waiting.clear();
    });
  });
}

async function ensureSocket(): Promise<Socket> {
  if (socket && !socket.destroyed) return socket;
  connecting ??= (async () => {
    const end = Date.now() + RECONNECT_MS;
    for (;;) {
      const path = socketPath();
      if (path) {
        try {
          socket = await open(path);
          return socket;
        } catch {
          // Not listening (yet): Baton may be restarting.
        }
      }
      if (Date.now() > end) throw new Error('Baton is not running, so its tools are unavailable. Ask the user to open Baton.');
      await new Promise((r) => setTimeout(r, 250));
    }
  })().finally(() => (connecting = null));
  return connecting;
}

async function callTool(name: string, args: unknown): Promise<ToolOutcome> {
  let s: Socket;
  try {
    s = await ensureSocket();
  } catch (e) {
    return { ok: false, error: { code: 'baton_unavailable', message: (e as Error).message } };
  }
  const id = nextId++;
  const req: ToolRequest = { t: 'tool', id, sessionId: sessionId as string, token, name, args };
  return new Promise<ToolOutcome>((resolve) => {
    waiting.set(id, resolve);
    s.write(`${JSON.stringify(req)}\n`);
  });
}

const server = new McpServer({ name: 'baton', version: '1' });
for (const name of ORCHESTRATOR_TOOL_NAMES) {
  const def = ORCHESTRATOR_TOOLS[name];
  server.registerTool(name, { description: def.description, inputSchema: def.input.shape }, async (args: unknown) => {
    const r = await callTool(name, args);
    const text = r.ok ? JSON.stringify(r.value, null, 2) : `${r.error.code}: ${r.error.message}`;
    return { content: [{ type: 'text' as const, text }], ...(r.ok ? {} : { isError: true }) };
  });
}

await server.connect(new StdioServerTransport());
// The agent closing our stdin is the end of the session.
process.stdin.on('end', () => process.exit(0));
