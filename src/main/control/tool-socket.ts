/** A socket that answers agent tool calls and nothing else: what an SSH destination reaches (reverse-forwarded), never the whole control contract (ADR 0018). */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { CONTROL_MAX_FRAME_BYTES, CONTROL_VERSION, ControlErrorCode, ToolRequest, type ControlServerFrame } from '../../shared/control';
import { ErrorCode } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { thrownMessage } from '../api/router';
import { LineSplitter } from '../host/lines';

export interface ToolSocketOptions {
  /** In a folder of this user's, mode 0700 (the ssh folder of the data dir): the file is replaced if one is there. */
  path: string;
  version: string;
  onTool: (req: ToolRequest) => Promise<Result<unknown>>;
  log?: (message: string) => void;
}

export interface ToolSocket {
  path: string;
  close(): Promise<void>;
}

/**
 * The control socket's hello and `tool` frames, byte for byte, so the MCP bridge speaks to it as to the
 * control socket; every other frame is refused. The control socket takes calls without a token (its file
 * mode is the authentication): forwarded to another machine, it would hand whoever is that machine's user
 * (or its agents) this whole app. A tool call carries its session's token, which main checks.
 */
export async function startToolSocket(o: ToolSocketOptions): Promise<ToolSocket> {
  const log = o.log ?? ((m: string) => console.log(`[baton] ${m}`));
  const serverId = randomBytes(8).toString('hex');
  const open = new Set<Socket>();
  const send = (sock: Socket, frame: ControlServerFrame): void => {
    if (!sock.destroyed && sock.writable) sock.write(JSON.stringify(frame) + '\n');
  };

  async function onLine(sock: Socket, line: Buffer): Promise<void> {
    if (line.length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(line.toString('utf8'));
    } catch {
      return send(sock, { t: 'error', error: { code: ErrorCode.invalidInput, message: 'The frame is not JSON.' } });
    }
    const req = ToolRequest.safeParse(json);
    if (!req.success) return send(sock, { t: 'error', error: { code: ControlErrorCode.unknownFrame, message: 'This socket answers tool calls only.' } });
    let r: Result<unknown>;
    try {
      r = await o.onTool(req.data);
    } catch (e) {
      log(`tool socket: tool ${req.data.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      r = { ok: false, error: { code: ErrorCode.internal, message: thrownMessage(e) } };
    }
    send(sock, r.ok ? { t: 'tool_result', id: req.data.id, ok: true, value: r.value } : { t: 'tool_result', id: req.data.id, ok: false, error: r.error });
  }

  const server = createServer((sock) => {
    open.add(sock);
    sock.on('error', () => sock.destroy());
    sock.on('close', () => open.delete(sock));
    const lines = new LineSplitter(
      CONTROL_MAX_FRAME_BYTES,
      (line) => void onLine(sock, line).catch((e: unknown) => log(`tool socket: frame failed: ${String(e)}`)),
      (bytes) => send(sock, { t: 'error', error: { code: ControlErrorCode.frameTooLarge, message: `A frame of ${bytes} bytes is over the ${CONTROL_MAX_FRAME_BYTES}-byte limit.` } }),
    );
    sock.on('data', (chunk: Buffer) => lines.push(chunk));
    sock.on('end', () => sock.end());
    send(sock, { t: 'hello', v: CONTROL_VERSION, serverId, pid: process.pid, version: o.version });
  });
  mkdirSync(dirname(o.path), { recursive: true, mode: 0o700 });
  // Ours to replace: the folder is this data dir's, and only one app runs on a data dir (the instance lock).
  rmSync(o.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log(`tool socket: ${e.message}`));
  chmodSync(o.path, 0o600);
  return {
    path: o.path,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(o.path, { force: true });
    },
  };
}
