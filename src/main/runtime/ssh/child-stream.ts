/** A child process's stdin and stdout as one Duplex, so the host protocol runs over `ssh -W` exactly as over a local socket. */
import type { ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';

/**
 * Bytes written go to the child's stdin, its stdout is what is read; the
 * stream closes when the child exits (the SSH channel is gone), and
 * destroying it kills the child. ssh's stderr is kept, for the reason.
 */
export class ChildDuplex extends Duplex {
  private stderrText = '';

  constructor(private readonly child: ChildProcess) {
    super({ allowHalfOpen: false });
    child.stdout?.on('data', (d: Buffer) => {
      if (!this.push(d)) child.stdout?.pause();
    });
    child.stdout?.on('end', () => this.push(null));
    child.stderr?.on('data', (d: Buffer) => (this.stderrText = (this.stderrText + d.toString('utf8')).slice(-2000)));
    // A write after the channel died: the exit below reports it.
    child.stdin?.on('error', () => undefined);
    child.once('error', (e) => this.destroy(e));
    child.once('close', () => this.destroy());
  }

  /** What ssh said on stderr (why a forward failed, say). */
  get stderr(): string {
    return this.stderrText.trim();
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) {
      cb();
      return;
    }
    if (stdin.write(chunk)) cb();
    else stdin.once('drain', () => cb());
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.child.stdin?.end();
    cb();
  }

  override _destroy(e: Error | null, cb: (e?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    cb(e);
  }
}
