import { spawn, spawnSync } from 'node:child_process';

export function build() {
  const r = spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('baton: the build failed (see above); fix it and run again.');
    process.exit(r.status ?? 1);
  }
}

/** Runs a child in the foreground; Ctrl+C reaches it through the terminal, and we exit with its code. */
export function foreground(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}
