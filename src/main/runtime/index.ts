/** Main's side of the session host (ADR 0004): launch it, find it again, talk to it, read its journal. */
export { connectHost, type CloseReason, type ConnectOptions, type HostConnection } from './connection';
export { createHostPort } from './host-port';
export { appendHostRecord, lastRecord, lastValidSeq, readJournal, sessionJournalPath, type JournalDiagnostic } from './journal';
export { JournalCursor } from './journal-lines';
export { defaultHostScript, launchHost, type LaunchHostOptions } from './launch';
export { DEFAULT_HOST_RUNTIME, type HostRuntime } from './host-runtime';
export { processLiveness, readHostFile, type HostIdentity, type Liveness } from '../host/liveness';
export type { ExitMessage, HelloFrame, HostFile, JournalRecord } from '../host/protocol';
export { createTerminalHostPort, defaultTerminalHostScript } from './terminal-port';
