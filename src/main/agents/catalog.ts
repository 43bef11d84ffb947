import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KNOWN_AGENT_IDS, type AgentInstall, type AgentsReport } from '../../shared/contracts/agents';
import { HARNESS_LABELS } from '../../shared/harness';
import { findExecutable, SPECS, type HarnessSpec } from './harness';

/** Longer than any agent's `--version` takes, short enough that Settings never waits on a wedged binary. */
export const VERSION_TIMEOUT_MS = 3000;

export interface AgentsCatalog {
  /** The cached report, looked up once on first use; `refresh` looks at the machine again. */
  list(opts?: { refresh?: boolean }): Promise<AgentsReport>;
}

/**
 * Which agents this machine has, for Settings, the New session dialog and
 * `baton agents`, so a missing one is seen before a session fails to start.
 * Lookups run in parallel, each bounded by the timeout; concurrent callers share one.
 */
export function createAgentsCatalog(opts: { path?: () => string; timeoutMs?: number } = {}): AgentsCatalog {
  const path = opts.path ?? (() => process.env.PATH ?? '');
  const timeoutMs = opts.timeoutMs ?? VERSION_TIMEOUT_MS;
  let cached: Promise<AgentsReport> | null = null;
  const look = async (): Promise<AgentsReport> => {
    const agents = await Promise.all(KNOWN_AGENT_IDS.map((id) => detect(id, SPECS[id], path(), timeoutMs)));
    return { agents, checkedAt: new Date().toISOString() };
  };
  return {
    list({ refresh = false } = {}) {
      if (!cached || refresh) {
        const next = look();
        cached = next;
        // A failed look is not kept: the next call tries again.
        next.catch(() => {
          if (cached === next) cached = null;
        });
      }
      return cached;
    },
  };
}

async function detect(id: AgentInstall['id'], spec: HarnessSpec, searchPath: string, timeoutMs: number): Promise<AgentInstall> {
  const base = { id, name: HARNESS_LABELS[id], bin: spec.bin, npmPackage: spec.npmPackage, installCommand: spec.install };
  const found = findExecutable(spec.bin, searchPath);
  if (!found) {
    return { ...base, installed: false, path: null, version: null, note: `${spec.bin} is not on the PATH Baton was started with. Install it with: ${spec.install}` };
  }
  const version = packageVersion(found, spec.npmPackage) ?? (await askVersion(found, timeoutMs));
  const note = version ? null : `Installed, but ${spec.bin} did not tell its version within ${Math.round(timeoutMs / 1000)} s.`;
  return { ...base, installed: true, path: found, version, note };
}

/**
 * An npm-installed agent's version, from the package its bin links into: no
 * process started, and right even for an adapter with no `--version`.
 */
export function packageVersion(bin: string, npmPackage: string): string | null {
  let dir: string;
  try {
    dir = dirname(realpathSync(bin));
  } catch {
    return null;
  }
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === npmPackage && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here (or not JSON): keep walking up.
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** `<bin> --version`, no shell, no stdin; the first thing that looks like a version, or null (timed out, failed, said none). */
function askVersion(bin: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const child = execFile(bin, ['--version'], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, windowsHide: true }, (error, stdout) => {
      const m = /\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?/.exec(String(stdout));
      resolve(error && !m ? null : (m?.[0] ?? null));
    });
    child.stdin?.end();
  });
}
