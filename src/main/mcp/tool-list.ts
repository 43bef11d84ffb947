/** The orchestrator tools as MCP's tools/list gives them, made in main from ORCHESTRATOR_TOOLS: the bridge reads this JSON and needs no zod. */
import { z } from 'zod';
import { ORCHESTRATOR_TOOL_NAMES, ORCHESTRATOR_TOOLS } from '../../shared/tools';

/** The file the bridge is given with `--tools`: beside it in the remote bundle, in the data dir here. */
export const MCP_TOOLS_FILE = 'mcp-tools.json';

/**
 * Each tool's whole (strict) input schema as JSON Schema, converted the way the MCP SDK converted it when the
 * bridge was built on it (draft-7, the input side): an agent sees the same list as before, `additionalProperties:
 * false` included, so it is told up front that a misspelt argument is refused (main refuses it anyway).
 */
export function orchestratorToolList(): Array<{ name: string; description: string; inputSchema: unknown }> {
  return ORCHESTRATOR_TOOL_NAMES.map((name) => {
    const def = ORCHESTRATOR_TOOLS[name];
    return { name, description: def.description, inputSchema: z.toJSONSchema(def.input, { target: 'draft-7', io: 'input' }) };
  });
}

export const orchestratorToolListJson = (): string => JSON.stringify(orchestratorToolList(), null, 2) + '\n';
