/** The session-host bundle Baton copies to a remote machine: host.js, remote.js, mcp-bridge.js and the chunks they import, with their sha256. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fail, ok, type Result } from '../../../shared/result';
import { MCP_TOOLS_FILE, orchestratorToolListJson } from '../../mcp/tool-list';

export interface BundleFile {
  /** Relative to the bundle's root, `/`-separated. */
  rel: string;
  bytes: Buffer;
  sha256: string;
}

export interface HostBundle {
  /** `<app version>-<12 hex of the manifest's hash>`: a rebuilt bundle of the same version gets a folder of its own. */
  version: string;
  files: BundleFile[];
}

// mcp-bridge.js: an orchestrator's Baton tools, started there by its agent; the check below is what keeps it standalone.
const ENTRIES = ['host.js', 'remote.js', 'mcp-bridge.js'];
/** The built files are ES modules; without this beside them the remote node would read them as CommonJS. */
const PACKAGE_JSON = Buffer.from('{"type":"module"}\n');
const STATIC_IMPORT = /(?:^|[\s;}])(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?["']([^"']+)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["']([^"']+)["']\s*\)/g;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Reads the bundle from `dir` (out/main): the entries and every file they
 * import by a relative path, transitively. Anything else they import must be
 * a Node built-in: the remote has Node and nothing of Baton's node_modules.
 */
export function readHostBundle(dir: string, appVersion: string): Result<HostBundle> {
  const files = new Map<string, BundleFile>();
  const queue = [...ENTRIES];
  while (queue.length > 0) {
    const rel = queue.shift() as string;
    if (files.has(rel)) continue;
    const path = join(dir, rel);
    if (!existsSync(path)) return fail('host_missing', `The session-host bundle is incomplete: ${path} is missing; build the app first (npm run build).`);
    const bytes = readFileSync(path);
    files.set(rel, { rel, bytes, sha256: sha256(bytes) });
    const text = bytes.toString('utf8');
    for (const re of [STATIC_IMPORT, DYNAMIC_IMPORT]) {
      for (const m of text.matchAll(re)) {
        const spec = m[1] as string;
        if (spec.startsWith('node:')) continue;
        if (!spec.startsWith('./') && !spec.startsWith('../')) return fail('bundle_not_standalone', `${rel} imports "${spec}", which a remote machine does not have: the host bundle may import only Node built-ins and its own chunks.`);
        const target = normalize(join(dirname(rel), spec)).split('\\').join('/');
        if (target.startsWith('..')) return fail('bundle_not_standalone', `${rel} imports ${spec}, outside the bundle.`);
        queue.push(target);
      }
    }
  }
  files.set('package.json', { rel: 'package.json', bytes: PACKAGE_JSON, sha256: sha256(PACKAGE_JSON) });
  // The bridge's tool list, made from this build's ORCHESTRATOR_TOOLS: in the manifest, so new tools make a new bundle folder.
  const toolList = Buffer.from(orchestratorToolListJson());
  files.set(MCP_TOOLS_FILE, { rel: MCP_TOOLS_FILE, bytes: toolList, sha256: sha256(toolList) });
  const list = [...files.values()].sort((a, b) => a.rel.localeCompare(b.rel));
  const manifestHash = sha256(Buffer.from(list.map((f) => `${f.sha256}  ${f.rel}\n`).join('')));
  return ok({ version: `${appVersion}-${manifestHash.slice(0, 12)}`, files: list });
}
