// Baton's MCP bridge (built, standalone: no SDK, no zod) as an MCP client sees it: initialize, tools/list, tools/call over a tools-only socket, and an unknown method.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startToolSocket, type ToolSocket } from '../../../src/main/control/tool-socket';
import { orchestratorToolListJson } from '../../../src/main/mcp/tool-list';
import { ORCHESTRATOR_TOOL_NAMES } from '../../../src/shared/tools';
import { buildOnce } from '../../support/build';
import { createHarness, type Harness } from '../../support/core-harness';
import { root } from '../host/helpers';

let h: Harness | null = null;
let socket: ToolSocket | null = null;
let client: Client | null = null;
beforeAll(() => buildOnce(), 180_000);
afterEach(async () => {
  await client?.close();
  await socket?.close();
  await h?.cleanup();
  client = socket = h = null;
});

/** The built bridge started the way an agent starts it from its MCP entry, on a tools-only socket of a real core. */
async function bridge(): Promise<Client> {
  h = createHarness();
  const core = h.core;
  socket = await startToolSocket({ path: join(h.tempDir('tools-'), 't.sock'), version: 'test', onTool: (req) => core.callTool(req) });
  const tools = join(h.tempDir('list-'), 'mcp-tools.json');
  writeFileSync(tools, orchestratorToolListJson());
  const token = join(h.tempDir('token-'), 'mcp-token');
  writeFileSync(token, 'not-a-token', { mode: 0o600 });
  client = new Client({ name: 'test', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [join(root, 'out/main/mcp-bridge.js'), '--socket', socket.path, '--session', 'no-such-session', '--tools', tools, '--token-file', token], stderr: 'inherit' }));
  return client;
}

describe("Baton's MCP bridge", { timeout: 60_000 }, () => {
  it('lists every orchestrator tool with its strict JSON schema', async () => {
    const c = await bridge();
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toEqual(ORCHESTRATOR_TOOL_NAMES);
    const list = tools.find((t) => t.name === 'list_tasks');
    expect(list?.description).toContain("Lists this project's tasks");
    expect(list?.inputSchema).toMatchObject({ type: 'object', additionalProperties: false, properties: { status: { enum: ['open', 'done', 'canceled'] } } });
  });

  it("carries a call to main and its refusal back as the tool's error; answers ping; refuses a method it does not have", async () => {
    const c = await bridge();
    const r = await c.callTool({ name: 'list_tasks', arguments: {} });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toContain('forbidden: This tool token does not belong to that session.');
    await expect(c.ping()).resolves.toEqual({});
    await expect(c.listPrompts()).rejects.toThrow(/no method prompts\/list/);
  });
});
