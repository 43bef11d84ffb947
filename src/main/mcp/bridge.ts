import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ErrorCode } from '../../shared/errors';
import { fail, type Result } from '../../shared/result';
import { MCP_TOKEN_FILE_ARG, MCP_TOKEN_VAR, ORCHESTRATOR_TOOL_NAMES, ORCHESTRATOR_TOOLS } from '../../shared/tools';
import { connectControl, type ControlClient } from '../control/client';
import { findControlSocket } from '../control/paths';

/**
 * Baton's MCP server as the orchestrator's agent starts it (stdio). It holds
 * no state: every tool call goes to the running app over its control socket,
 * found afresh through `<dataDir>/control.json`, so the agent keeps its tools
 * across restarts of Baton. It imports nothing of the app's domain code: the
 * control client and paths import only node and src/shared.
 */
const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, session: { type: 'string' }, [MCP_TOKEN_FILE_ARG.slice(2)]: { type: 'string' } } });
const dataDir = values['data-dir'];
const sessionId = values.session;
const tokenFile = values[MCP_TOKEN_FILE_ARG.slice(2)];

/** Read at each call: the file is main's to rewrite, and a bridge outlives restarts of Baton. An agent started before ADR 0011 has it in its env. */
function token(): string {
  if (!tokenFile) return process.env[MCP_TOKEN_VAR] ?? '';
  try {
    return readFileSync(tokenFile, 'utf8').trim();
  } catch {
    return '';
  }
}
if (!dataDir || !sessionId) {
  process.stderr.write('baton mcp bridge: --data-dir and --session are required\n');
  process.exit(2);
}

/** How long a call waits for Baton to come back (a restart, a hot reload) before saying it is not running. */
const RECONNECT_MS = 30_000;

let client: ControlClient | null = null;
let connecting: Promise<ControlClient> | null = null;

async function ensureClient(): Promise<ControlClient> {
  if (client) return client;
  connecting ??= (async () => {
    const end = Date.now() + RECONNECT_MS;
    for (;;) {
      // Not listening (yet), or not answering: Baton may be restarting.
      const c = await connectControl(findControlSocket(dataDir as string));
      if (c.state === 'connected') {
        const connected = c.client;
        client = connected;
        void connected.closed.then(() => {
          if (client === connected) client = null;
        });
        return connected;
      }
      if (Date.now() > end) throw new Error('Baton is not running, so its tools are unavailable. Ask the user to open Baton.');
      await new Promise((r) => setTimeout(r, 250));
    }
  })().finally(() => (connecting = null));
  return connecting;
}

async function callTool(name: string, args: unknown): Promise<Result<unknown>> {
  let c: ControlClient;
  try {
    c = await ensureClient();
  } catch (e) {
    return fail('baton_unavailable', (e as Error).message);
  }
  const r = await c.tool({ sessionId: sessionId as string, token: token(), name, args });
  // Baton went away mid-call; the agent may call again.
  if (!r.ok && r.error.code === ErrorCode.disconnected) return fail('baton_restarted', 'Baton restarted during this call; call the tool again.');
  return r;
}

const server = new McpServer({ name: 'baton', version: '1' });
// The whole (strict) schema, not its shape: from a shape the SDK builds a loose object that drops unknown arguments unseen.
for (const name of ORCHESTRATOR_TOOL_NAMES) {
  const def = ORCHESTRATOR_TOOLS[name];
  server.registerTool(name, { description: def.description, inputSchema: def.input }, async (args: unknown) => {
    const r = await callTool(name, args);
    const text = r.ok ? JSON.stringify(r.value, null, 2) : `${r.error.code}: ${r.error.message}`;
    return { content: [{ type: 'text' as const, text }], ...(r.ok ? {} : { isError: true }) };
  });
}

await server.connect(new StdioServerTransport());
// The agent closing our stdin is the end of the session.
process.stdin.on('end', () => process.exit(0));
