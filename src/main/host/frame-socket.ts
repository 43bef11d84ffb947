/** The socket plumbing both hosts' connections share: newline-framed reading, a bounded close, and the kill/stop grace. */
import type { Socket } from 'node:net';
import type { Log } from './files';
import { LineSplitter } from './lines';

/**
 * Feeds the socket's bytes to onFrame one line at a time. A frame that breaks
 * its handler ends this connection only (logged under `label`): the host and its child go on.
 */
export function readFrames(sock: Socket, maxFrameBytes: number, onFrame: (line: Buffer) => void, onOversized: (bytes: number) => void, log: Log, label: string): void {
  const reader = new LineSplitter(maxFrameBytes, onFrame, onOversized);
  sock.on('data', (d: Buffer) => {
    try {
      reader.push(d);
    } catch (e) {
      log(`${label}: a frame failed, closing the connection: ${(e as Error).stack ?? String(e)}`);
      sock.destroy();
    }
  });
}

/** Ends the socket once what was written has gone out; destroys it if that takes over two seconds. */
export function endSocket(sock: Socket): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      sock.destroy();
      resolve();
    }, 2000);
    sock.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    sock.end();
  });
}

/** A frame's graceMs, held to 0..max; the fallback when it is missing or not a finite number. */
export function graceOf(v: unknown, fallback: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(Math.max(0, v), max) : fallback;
}
