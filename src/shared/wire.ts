import { z } from 'zod';

/** Frames on the browser-mode WebSocket. Version bumps when a frame changes shape. */
export const WIRE_VERSION = 1;

export const ClientFrame = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    name: z.string().max(200),
    input: z.unknown(),
    token: z.string().max(200),
  }),
  z.object({ t: z.literal('sub'), name: z.string().max(200) }),
  z.object({ t: z.literal('unsub'), name: z.string().max(200) }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ErrorShape = z.object({ code: z.string(), message: z.string() });

// A plain union: two frames share t='result' (told apart by ok), which a discriminated union forbids.
export const ServerFrame = z.union([
  z.object({ t: z.literal('hello'), v: z.number(), serverId: z.string() }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(false), error: ErrorShape }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('error'), error: ErrorShape }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Paths the browser-mode HTTP server answers. */
export const HTTP_PATHS = { socket: '/ws', health: '/api/health' } as const;
export const TOKEN_COOKIE = 'baton_token';
