/**
 * The control socket's names and version, without zod: the MCP bridge imports these and runs on
 * machines that have Node and nothing of Baton's node_modules (ADR 0018). `control.ts` re-exports them.
 */

/** Version bumps when a frame changes shape. */
export const CONTROL_VERSION = 1;

/** File names inside the data dir: the socket, and where a client finds it. */
export const CONTROL_SOCKET_NAME = 'control.sock';
export const CONTROL_INFO_NAME = 'control.json';
