import { z } from 'zod';

/**
 * Frames on the browser-mode WebSocket. Version bumps when a frame changes
 * shape. v2: the token travels once, in the first frame (`auth`), instead of
 * in the URL, a cookie and every call.
 */
export const WIRE_VERSION = 2;

/**
 * The first frame on every connection, and only the first. Nothing else is
 * accepted before it; the server answers `hello` when the token is right and
 * closes with WS_CLOSE.unauthorized when it is not.
 */
export const AuthFrame = z.object({ t: z.literal('auth'), token: z.string().max(200) });
export type AuthFrame = z.infer<typeof AuthFrame>;

/** Frames after a successful auth. */
export const ClientFrame = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    name: z.string().max(200),
    input: z.unknown(),
  }),
  /** `topic`: for events sent per topic (terminals.output: the terminal's id), the one wanted; absent otherwise. */
  z.object({ t: z.literal('sub'), name: z.string().max(200), topic: z.string().min(1).max(200).optional() }),
  z.object({ t: z.literal('unsub'), name: z.string().max(200), topic: z.string().min(1).max(200).optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ErrorShape = z.object({ code: z.string(), message: z.string() });

// A plain union: two frames share t='result' (told apart by ok), which a discriminated union forbids.
export const ServerFrame = z.union([
  z.object({ t: z.literal('hello'), v: z.number(), serverId: z.string() }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(false), error: ErrorShape }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown(), topic: z.string().optional() }),
  z.object({ t: z.literal('error'), error: ErrorShape }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/**
 * Close codes the server uses (4000–4999 is the application range), so a
 * client can tell "wrong token: reconnecting cannot help" from a dropped line.
 */
export const WS_CLOSE = {
  /** The first frame was not an auth frame with the right token. */
  unauthorized: 4401,
  /** No auth frame arrived in time. */
  authTimeout: 4408,
} as const;

/** Paths the browser-mode HTTP server answers. */
export const HTTP_PATHS = { socket: '/ws', health: '/api/health' } as const;
