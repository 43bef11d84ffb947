/** The MCP bridge's command-line names, without zod: the bridge imports these and runs where Baton's node_modules are not (ADR 0018). */

/** The environment variable that carried the tool token before ADR 0011; a bridge still reads it when it has no token file. */
export const MCP_TOKEN_VAR = 'BATON_MCP_TOKEN';

/**
 * The bridge's argument naming the 0600 file that holds its session's tool
 * token: the MCP server entry travels in session/new (journaled, shown), so it
 * carries the file's path, never the token.
 */
export const MCP_TOKEN_FILE_ARG = '--token-file';
