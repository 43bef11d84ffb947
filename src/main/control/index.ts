import { startControlServer, type ControlServerOptions } from './server';

export { readControlInfo } from './paths';
export { startControlServer, type ControlServer, type ControlServerOptions, type ControlStart } from './server';

/**
 * What the app's entry points call: start the control socket, say in the log
 * why there is none when there is none, and never let it stop the app from
 * starting (the UI works without it; only `baton` and agent tools need it).
 */
export async function startAppControl<Ctx>(opts: ControlServerOptions<Ctx>): Promise<{ socket: string | null; close(): Promise<void> }> {
  const log = opts.log ?? ((m: string) => console.log(`[baton] ${m}`));
  try {
    const start = await startControlServer(opts);
    if (start.state === 'listening') return { socket: start.server.socket, close: () => start.server.close() };
    if (start.state === 'taken') {
      log(`control socket ${start.socket} belongs to another running Baton${start.pid ? ` (pid ${start.pid})` : ''} on this data dir; not listening, so \`baton\` talks to that one.`);
    } else {
      log(`no control socket (${start.message}); the \`baton\` command will not reach this app.`);
    }
  } catch (e) {
    log(`no control socket: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { socket: null, close: async () => undefined };
}
