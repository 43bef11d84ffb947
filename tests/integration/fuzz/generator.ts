import { contract } from '../../../src/shared/contracts';

export { chosenSeed, seededRandom, type Rng } from '../../support/random';
import type { Rng } from '../../support/random';

export const PROCEDURES: readonly string[] = Object.entries(contract).flatMap(([d, def]) => Object.keys(def.procedures).map((p) => `${d}.${p}`));
export const EVENTS: readonly string[] = Object.entries(contract).flatMap(([d, def]) => Object.keys(def.events).map((e) => `${d}.${e}`));

/** A call every server answers with ok: the fuzz run interleaves it to show the connection still works. */
export const REAL_CALL = 'app.status';

const KEYS = ['id', 'projectId', 'path', 'name', 'patch', 'text', 'key', 'value', 'runId', 'taskId', 'title', '__proto__', 'constructor', 'a'];
// Never a real repository: a random call must not be able to add a project (and from it, spawn agents).
const STRINGS = ['', 'x', '/nonexistent-baton-fuzz/repo', 'relative/path', '../../etc/passwd', '\u0000', '\ud800', '😀'.repeat(50), 'a'.repeat(5000), 'null', '{"t":"call"}'];

/** Any JSON value, small and shallow, with the odd shape a handler might not expect. */
export function randomJson(rng: Rng, depth = 0): unknown {
  const k = rng.int(0, depth > 3 ? 4 : 7);
  switch (k) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, rng.int(-1e6, 1e6)]);
    case 3:
      return rng.pick(STRINGS);
    case 4:
      return rng.bytes(rng.int(0, 20)).toString('latin1');
    case 5:
      return Array.from({ length: rng.int(0, 4) }, () => randomJson(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--) o[rng.pick(KEYS)] = randomJson(rng, depth + 1);
      return o;
    }
  }
}

export type FrameKind = 'bytes' | 'bad_utf8' | 'oversized' | 'truncated' | 'nested' | 'procedure' | 'binary' | 'shape' | 'sub' | 'real';

export interface Frame {
  kind: FrameKind;
  data: Buffer;
  /** Sent as a binary WebSocket frame (the control socket has no such thing and sends the bytes as they are). */
  binary: boolean;
  /** The id of a real call, whose answer must be ok. */
  realId?: number;
}

const WEIGHTS: [FrameKind, number][] = [
  ['bytes', 8],
  ['bad_utf8', 6],
  ['oversized', 0.3],
  ['truncated', 10],
  ['nested', 3],
  ['procedure', 30],
  ['binary', 5],
  ['shape', 14],
  ['sub', 8],
  ['real', 16],
];
const TOTAL = WEIGHTS.reduce((s, [, w]) => s + w, 0);

/**
 * One frame of the given protocol's flavour. `limit` is the server's frame
 * limit: oversized frames go just past it. The caller caps how many
 * oversized frames it sends (each is megabytes).
 */
export function randomFrame(rng: Rng, ids: { next: number }, limit: number, allowOversized: boolean): Frame {
  let r = rng.next() * TOTAL;
  let kind: FrameKind = 'real';
  for (const [k, w] of WEIGHTS) {
    if ((r -= w) < 0) {
      kind = k;
      break;
    }
  }
  if (kind === 'oversized' && !allowOversized) kind = 'truncated';
  const id = ids.next++;
  const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
  switch (kind) {
    case 'bytes':
      return { kind, data: rng.bytes(rng.int(0, 600)), binary: false };
    case 'bad_utf8': {
      const text = JSON.stringify({ t: 'call', id, name: rng.pick(PROCEDURES), input: { text: 'ab' } });
      const cut = rng.int(0, text.length);
      const bad = rng.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]]);
      return { kind, data: Buffer.concat([Buffer.from(text.slice(0, cut)), Buffer.from(bad), Buffer.from(text.slice(cut))]), binary: false };
    }
    case 'oversized':
      return { kind, data: Buffer.alloc(limit + rng.int(1, 4096), 0x61), binary: false };
    case 'truncated': {
      const text = JSON.stringify({ t: 'call', id, name: rng.pick(PROCEDURES), input: randomJson(rng) });
      return { kind, data: Buffer.from(text.slice(0, rng.int(0, text.length - 1))), binary: false };
    }
    case 'nested': {
      const depth = rng.int(100, 200_000);
      const [open, close] = rng.chance(0.5) ? ['[', ']'] : ['{"a":', '}'];
      const inner = `${open.repeat(depth)}1${close.repeat(depth)}`;
      const text = rng.chance(0.5) ? inner : `{"t":"call","id":${id},"name":"${rng.pick(PROCEDURES)}","input":${inner}}`;
      return { kind, data: Buffer.from(text), binary: false };
    }
    case 'procedure':
      return { kind, data: json({ t: 'call', id, name: rng.pick(PROCEDURES), input: randomJson(rng) }), binary: false };
    case 'binary':
      return { kind, data: rng.chance(0.5) ? rng.bytes(rng.int(0, 300)) : json({ t: 'call', id, name: REAL_CALL, input: {} }), binary: true };
    case 'shape': {
      const o: Record<string, unknown> = { t: rng.pick(['call', 'sub', 'unsub', 'auth', 'tool', 'hello', 'result', 'event', 'x', 1, null]) };
      for (const k of ['id', 'name', 'input', 'token', 'sessionId', 'args']) if (rng.chance(0.5)) o[k] = randomJson(rng);
      return { kind, data: json(rng.chance(0.9) ? o : randomJson(rng)), binary: false };
    }
    case 'sub':
      return { kind, data: json({ t: rng.pick(['sub', 'unsub']), name: rng.chance(0.8) ? rng.pick(EVENTS) : rng.pick(STRINGS) }), binary: false };
    case 'real':
      return { kind, data: json({ t: 'call', id, name: REAL_CALL, input: {} }), binary: false, realId: id };
  }
}

