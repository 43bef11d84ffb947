/**
 * Turns cheap file previews into full diff views one file per task, and only
 * once scrolling has stopped, so a scroll through thousands of files never
 * builds a highlighted diff (one synchronous piece of work for the library)
 * inside a scrolling frame. Files that scrolled away before their turn are skipped.
 */
const queue: { run: () => void; live: () => boolean }[] = [];
let scheduled = false;
let lastScroll = Number.NEGATIVE_INFINITY;
let framesSinceScroll = Number.POSITIVE_INFINITY;

/** How long, and over how many painted frames, no scroll must have come before a full view is built. */
export const QUIET_MS = 150;
export const QUIET_FRAMES = 2;

/**
 * Whether scrolling has stopped: quiet for QUIET_MS *and* for QUIET_FRAMES frames. Time alone is not enough: on a
 * loaded machine one slow frame leaves a long gap between two scroll events of a scroll still going on, and a
 * full view built in that gap makes the next frame late too. A scroll that goes on moves every frame.
 */
export function scrollQuiet(now: number, last: number, frames: number): boolean {
  return now - last >= QUIET_MS && frames >= QUIET_FRAMES;
}

/** Called on every scroll of the diff: files stay previews until the scrolling stops. */
export function pauseUpgrades(): void {
  lastScroll = performance.now();
  framesSinceScroll = 0;
}

const quiet = () => scrollQuiet(performance.now(), lastScroll, framesSinceScroll);

/**
 * Counts painted frames until scrolling is quiet, then builds the next file when the browser is idle: after the
 * frame is painted and after any timer or input waiting, never before them.
 */
function waitForQuiet(): void {
  requestAnimationFrame(() => {
    framesSinceScroll++;
    if (quiet()) requestIdleCallback(pump, { timeout: 1000 });
    else waitForQuiet();
  });
}

function pump(): void {
  if (!quiet()) return waitForQuiet();
  scheduled = false;
  let job = queue.shift();
  while (job && !job.live()) job = queue.shift();
  job?.run();
  if (queue.length) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // A task each, after a painted frame: the browser paints and handles input between two files.
  waitForQuiet();
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
