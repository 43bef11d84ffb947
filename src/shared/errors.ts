/** Error codes every adapter may return, beside each domain's own. */
export const ErrorCode = {
  invalidInput: 'invalid_input',
  unknownProcedure: 'unknown_procedure',
  unknownEvent: 'unknown_event',
  internal: 'internal',
  unauthorized: 'unauthorized',
  storeUnavailable: 'store_unavailable',
  disconnected: 'disconnected',
  timeout: 'timeout',
} as const;
