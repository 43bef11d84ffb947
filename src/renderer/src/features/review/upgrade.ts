/**
 * Turns cheap file previews into full diff views one file per task, so a
 * fast scroll through thousands of files never builds several highlighted
 * diffs inside one frame (each is one synchronous piece of work for the
 * library). Files that scrolled away before their turn are skipped.
 */
const queue: { run: () => void; live: () => boolean }[] = [];
let scheduled = false;
let pausedUntil = 0;

/** While the person scrolls, files stay previews; their full views are built once the scrolling pauses. */
export function pauseUpgrades(ms: number): void {
  pausedUntil = performance.now() + ms;
}

function pump(): void {
  scheduled = false;
  const wait = pausedUntil - performance.now();
  if (wait > 0) {
    scheduled = true;
    setTimeout(pump, wait);
    return;
  }
  let job = queue.shift();
  while (job && !job.live()) job = queue.shift();
  job?.run();
  if (queue.length) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // A macrotask each: the browser paints and handles input between two files.
  setTimeout(pump, 0);
}

/** Queues `run`; the returned function cancels it (the file left the viewport). */
export function queueUpgrade(run: () => void): () => void {
  let alive = true;
  queue.push({ run, live: () => alive });
  schedule();
  return () => {
    alive = false;
  };
}
