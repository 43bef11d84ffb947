import { spawn, spawnSync } from 'node:child_process';
import { buildNativeReported } from './build-native.mjs';

export function build() {
  const r = spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('baton: the build failed (see above); fix it and run again.');
    process.exit(r.status ?? 1);
  }
  buildNativeHost();
}

/** The native session host: a C file that does not compile fails `npm run build`; here it stops only a run that would use it. */
export function buildNativeHost() {
  if (!buildNativeReported().failed) return;
  if (process.env.BATON_HOST_RUNTIME === 'native') process.exit(1);
  console.error('baton: starting with the Node session host.');
}

/** Runs a child in the foreground; Ctrl+C reaches it through the terminal, and we exit with its code. */
export function foreground(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}
