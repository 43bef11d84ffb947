import { readFileSync } from 'node:fs';
import { ControlInfo } from '../../shared/control';
import { controlInfoPath, controlSocketPath } from './socket-path';

// Node and src/shared only: the `baton` command finds the socket with these too (the MCP bridge uses socket-path.ts alone).
export { controlInfoPath, controlSocketPath };

/** `<dataDir>/control.json` as the listening app wrote it; null when there is none (or it does not parse). */
export function readControlInfo(dataDir: string): ControlInfo | null {
  try {
    const parsed = ControlInfo.safeParse(JSON.parse(readFileSync(controlInfoPath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Where a client reaches the app on this data dir: the socket control.json
 * names, else where the app would listen (the long-path fallback included).
 * Nothing listening there is the caller's to find out.
 */
export function findControlSocket(dataDir: string): string {
  return readControlInfo(dataDir)?.socket ?? controlSocketPath(dataDir);
}
