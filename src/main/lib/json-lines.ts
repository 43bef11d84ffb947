/** Newline-delimited JSON read from a socket set to text: each complete line parsed once and handed over. */
import type { Socket } from 'node:net';

/** Calls `onFrame` with each line's value; a line that is not JSON is skipped (our servers never send one, and it could be matched to nothing). */
export function onJsonLines(sock: Socket, onFrame: (frame: unknown) => void): void {
  let buf = '';
  sock.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line) continue;
      let frame: unknown;
      try {
        frame = JSON.parse(line);
      } catch {
        continue;
      }
      // Outside the try: a handler's own failure is not mistaken for a line that is not JSON.
      onFrame(frame);
    }
  });
}
