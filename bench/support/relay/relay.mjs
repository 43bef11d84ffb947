// A session host's per-line work and nothing else, for measuring the runtimes ADR 0022 weighs (bench/host-alternatives.bench.ts):
// read the agent's output from a pipe, frame each line as a journal record, journal each read in one write, forward it
// in one write to a Unix socket. `node relay.mjs <socket> <journalDir> one`: one session on stdin (a process per
// session, as Baton runs its hosts); `mux <n>`: n sessions on fds 3…, all on one event loop; `workers <n>`: the same
// n sessions, each on a worker thread of its own (its own heap and event loop: what per-session isolation inside one
// process would take).
import { openSync, writeSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { isMainThread, Worker, workerData } from 'node:worker_threads';

function relay(fd, journalPath, socketPath) {
  const journal = openSync(journalPath, 'a', 0o600);
  const out = connect(socketPath);
  const input = new Socket({ fd, readable: true, writable: false });
  let seq = 0;
  let rest = '';
  input.on('data', (chunk) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    let records = '';
    for (const line of lines) records += `{"v":1,"seq":${++seq},"ts":${Date.now()},"dir":"in","msg":${line}}\n`;
    if (records === '') return;
    writeSync(journal, records);
    out.write(records);
  });
}

if (!isMainThread) {
  relay(workerData.fd, workerData.journal, workerData.socket);
} else {
  const [socketPath, dir, mode, count] = process.argv.slice(2);
  const n = Number(count ?? 1);
  if (mode === 'one') relay(0, join(dir, 'journal-0.jsonl'), socketPath);
  else if (mode === 'mux') for (let i = 0; i < n; i++) relay(3 + i, join(dir, `journal-${i}.jsonl`), socketPath);
  else if (mode === 'workers') for (let i = 0; i < n; i++) new Worker(new URL(import.meta.url), { workerData: { fd: 3 + i, journal: join(dir, `journal-${i}.jsonl`), socket: socketPath } });
  else {
    console.error(`unknown mode ${mode}`);
    process.exit(2);
  }
}
