import { z } from 'zod';
import { ErrorShape } from './wire';

/**
 * The control socket: the same contract as the WebSocket wire (call → result,
 * sub → event), carried as newline-delimited JSON on a local socket whose file
 * permissions are the authentication, so calls carry no token. Declared here
 * so a standalone client (the `baton` command) can import the frames without
 * pulling in main. Version bumps when a frame changes shape.
 */
// Declared without zod, so the MCP bridge can import them alone (it runs where Baton's node_modules are not).
export { CONTROL_INFO_NAME, CONTROL_SOCKET_NAME, CONTROL_VERSION } from './control-names';

/** The server refuses longer lines; a frame is one line. */
export const CONTROL_MAX_FRAME_BYTES = 4 * 1024 * 1024;

export const ControlErrorCode = {
  /** A frame kind this server does not know, or one it knows but has no handler for (`tool` without a tool host). */
  unknownFrame: 'unknown_frame',
  frameTooLarge: 'frame_too_large',
} as const;

const Name = z.string().max(200);
const FrameId = z.number().int().nonnegative();

export const ToolRequest = z.object({
  t: z.literal('tool'),
  id: FrameId,
  sessionId: z.string().min(1).max(100),
  /** The session's own secret; whoever handles tool calls checks it, the socket does not. */
  token: z.string().max(200),
  name: Name,
  args: z.unknown(),
});
export type ToolRequest = z.infer<typeof ToolRequest>;

export const ControlClientFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: FrameId, name: Name, input: z.unknown() }),
  /** `topic`: for events sent per topic (terminals.output: the terminal's id), the one wanted. */
  z.object({ t: z.literal('sub'), name: Name, topic: z.string().min(1).max(200).optional() }),
  z.object({ t: z.literal('unsub'), name: Name, topic: z.string().min(1).max(200).optional() }),
  ToolRequest,
]);
export type ControlClientFrame = z.infer<typeof ControlClientFrame>;

export const CONTROL_CLIENT_FRAME_KINDS: readonly string[] = ['call', 'sub', 'unsub', 'tool'];

export const ControlHello = z.object({
  t: z.literal('hello'),
  v: z.number().int(),
  serverId: z.string(),
  /** The app's process and version, so a client can say which Baton it reached. */
  pid: z.number().int(),
  version: z.string(),
});
export type ControlHello = z.infer<typeof ControlHello>;

// A plain union, as on the WebSocket wire: result and tool_result each come in two shapes told apart by ok.
export const ControlServerFrame = z.union([
  ControlHello,
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number(), ok: z.literal(false), error: ErrorShape }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown(), topic: z.string().optional() }),
  z.object({ t: z.literal('error'), error: ErrorShape }),
  z.object({ t: z.literal('tool_result'), id: z.number(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('tool_result'), id: z.number(), ok: z.literal(false), error: ErrorShape }),
]);
export type ControlServerFrame = z.infer<typeof ControlServerFrame>;

/** `<dataDir>/control.json`: written by the app once it listens, removed when it closes. */
export const ControlInfo = z.object({
  pid: z.number().int(),
  socket: z.string().min(1),
  version: z.string(),
  protocol: z.number().int(),
});
export type ControlInfo = z.infer<typeof ControlInfo>;
