import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import {
  CONTROL_CLIENT_FRAME_KINDS,
  CONTROL_MAX_FRAME_BYTES,
  CONTROL_VERSION,
  ControlClientFrame,
  ControlErrorCode,
  type ControlInfo,
  type ControlServerFrame,
  type ToolRequest,
} from '../../shared/control';
import { ErrorCode } from '../../shared/errors';
import type { Result } from '../../shared/result';
import type { EventHub } from '../api/events';
import { thrownMessage, type Router } from '../api/router';
import { describeZodError } from '../api/validation';
import { ClientSubscriptions, eventFrame } from '../api/subscriptions';
import { LineSplitter } from '../host/lines';
import { claimSocket } from './claim';
import { controlInfoPath, controlSocketPath, readControlInfo } from './paths';

export interface ControlServerOptions<Ctx> {
  dataDir: string;
  router: Router<Ctx>;
  hub: EventHub;
  ctx: Ctx;
  /** The app's version, for control.json and the hello. */
  version: string;
  /**
   * Agent tool calls (`{t:'tool'}` frames), answered by whoever implements
   * them; without it such frames are refused as unknown.
   */
  onTool?: (req: ToolRequest) => Promise<Result<unknown>>;
  /** Tests put the socket elsewhere; the app always derives it from the data dir. */
  socketPath?: string;
  log?: (message: string) => void;
}

export interface ControlServer {
  socket: string;
  close(): Promise<void>;
}

export type ControlStart =
  | { state: 'listening'; server: ControlServer }
  /** Another live app on this data dir owns the socket; this one runs without it. */
  | { state: 'taken'; socket: string; pid: number | null }
  | { state: 'failed'; socket: string; message: string };

/** A client that stops reading must not grow our memory without bound: past this it is cut off. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * The app's local control socket: the contract for the `baton` command (and,
 * later, agent tools), without a token because only this user can open it.
 * Every call goes through the same router as the UI's, so it is validated the
 * same way.
 */
export async function startControlServer<Ctx>(opts: ControlServerOptions<Ctx>): Promise<ControlStart> {
  const { router, hub, ctx } = opts;
  const log = opts.log ?? ((m: string) => console.log(`[baton] ${m}`));
  const path = opts.socketPath ?? controlSocketPath(opts.dataDir);
  const serverId = randomBytes(8).toString('hex');
  const subscriptions = new Map<Socket, ClientSubscriptions>();

  const send = (sock: Socket, frame: ControlServerFrame): void => {
    if (sock.destroyed || !sock.writable) return;
    if (sock.writableLength > MAX_BUFFERED_BYTES) {
      log(`control: a client stopped reading (${sock.writableLength} bytes queued); disconnecting it`);
      sock.destroy();
      return;
    }
    sock.write(JSON.stringify(frame) + '\n');
  };
  const frameError = (sock: Socket, code: string, message: string): void => send(sock, { t: 'error', error: { code, message } });

  async function onLine(sock: Socket, line: Buffer): Promise<void> {
    if (line.length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(line.toString('utf8'));
    } catch {
      frameError(sock, ErrorCode.invalidInput, 'The frame is not JSON.');
      return;
    }
    const kind = typeof json === 'object' && json !== null && 't' in json ? json.t : undefined;
    const parsed = ControlClientFrame.safeParse(json);
    if (!parsed.success) {
      if (typeof kind === 'string' && !CONTROL_CLIENT_FRAME_KINDS.includes(kind)) {
        frameError(sock, ControlErrorCode.unknownFrame, `Unknown frame kind "${kind.slice(0, 50)}".`);
      } else {
        frameError(sock, ErrorCode.invalidInput, describeZodError(parsed.error, 'frame'));
      }
      return;
    }
    const f = parsed.data;
    switch (f.t) {
      case 'call': {
        const result = await router.call(f.name, f.input, ctx);
        send(sock, result.ok ? { t: 'result', id: f.id, ok: true, value: result.value } : { t: 'result', id: f.id, ok: false, error: result.error });
        return;
      }
      case 'tool': {
        const result = await answerTool(f);
        send(sock, result.ok ? { t: 'tool_result', id: f.id, ok: true, value: result.value } : { t: 'tool_result', id: f.id, ok: false, error: result.error });
        return;
      }
      case 'sub': {
        const refused = subscriptions.get(sock)?.add(f.name, f.topic ?? null);
        if (refused) frameError(sock, refused.code, refused.message);
        return;
      }
      case 'unsub':
        subscriptions.get(sock)?.remove(f.name, f.topic ?? null);
        return;
    }
  }

  async function answerTool(req: ToolRequest): Promise<Result<unknown>> {
    if (!opts.onTool) return { ok: false, error: { code: ControlErrorCode.unknownFrame, message: 'This Baton does not take tool calls on its control socket.' } };
    try {
      return await opts.onTool(req);
    } catch (e) {
      log(`control: tool ${req.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return { ok: false, error: { code: ErrorCode.internal, message: thrownMessage(e) } };
    }
  }

  function accept(sock: Socket): void {
    subscriptions.set(sock, new ClientSubscriptions(hub));
    // Whatever goes wrong on one connection ends that connection, never the app.
    sock.on('error', (e: NodeJS.ErrnoException) => {
      // A client that vanishes mid-write is not our failure, nor worth a line in the log.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') log(`control: connection error: ${e.message}; closing it`);
      sock.destroy();
    });
    sock.on('close', () => subscriptions.delete(sock));
    const lines = new LineSplitter(
      CONTROL_MAX_FRAME_BYTES,
      (line) => void onLine(sock, line).catch((e: unknown) => log(`control: frame failed: ${String(e)}`)),
      (bytes) => frameError(sock, ControlErrorCode.frameTooLarge, `A frame of ${bytes} bytes is over the ${CONTROL_MAX_FRAME_BYTES}-byte limit.`),
    );
    sock.on('data', (chunk: Buffer) => {
      try {
        lines.push(chunk);
      } catch (e) {
        log(`control: a frame broke its connection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        sock.destroy();
      }
    });
    sock.on('end', () => {
      lines.end();
      sock.end();
    });
    send(sock, { t: 'hello', v: CONTROL_VERSION, serverId, pid: process.pid, version: opts.version });
  }

  const server = createServer(accept);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  // Outside the data dir (the sun_path fallback in the temp dir) the directory itself must be private.
  const claimed = await claimSocket(server, path, resolve(dirname(path)) !== resolve(opts.dataDir));
  if (claimed.state === 'taken') {
    server.close();
    const info = readControlInfo(opts.dataDir);
    return { state: 'taken', socket: path, pid: info && info.socket === path ? info.pid : null };
  }
  if (claimed.state === 'failed') {
    server.close();
    return { state: 'failed', socket: path, message: claimed.message };
  }
  server.on('error', (e) => log(`control: socket error: ${e.message}`));
  const win = process.platform === 'win32';
  if (!win) chmodSync(path, 0o600);
  // Remembered so close() removes our socket file and not one a later app put at the same path.
  const ino = win ? null : statSync(path).ino;
  writeInfo(opts.dataDir, { pid: process.pid, socket: path, version: opts.version, protocol: CONTROL_VERSION });

  const stopListening = hub.listen((name, payload) => {
    const topic = hub.topicOf(name, payload);
    for (const [sock, subs] of subscriptions) {
      for (const t of subs.deliveries(name, topic)) send(sock, eventFrame(name, payload, t));
    }
  });

  let closed: Promise<void> | null = null;
  return {
    state: 'listening',
    server: {
      socket: path,
      close() {
        closed ??= (async () => {
          stopListening();
          for (const sock of subscriptions.keys()) sock.destroy();
          subscriptions.clear();
          await new Promise<void>((r) => server.close(() => r()));
          if (!win) {
            try {
              if (statSync(path).ino === ino) rmSync(path, { force: true });
            } catch {
              // Already gone.
            }
          }
          if (readControlInfo(opts.dataDir)?.pid === process.pid) rmSync(controlInfoPath(opts.dataDir), { force: true });
        })();
        return closed;
      },
    },
  };
}

/** Atomic and private: a reader never sees half a file, and nobody else reads where our socket is. */
function writeInfo(dataDir: string, info: ControlInfo): void {
  const target = controlInfoPath(dataDir);
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info) + '\n', { mode: 0o600 });
  renameSync(tmp, target);
}
