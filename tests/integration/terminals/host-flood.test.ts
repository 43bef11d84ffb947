/** The terminal host under a flood of output: gathered into frames of many reads (ADR 0026), every byte once and in order. */
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../support/wait';
import { TermWorld } from './helpers';

let world: TermWorld;
afterEach(async () => world?.cleanup());

const BYTES = 4_000_000;
/** What one pty read hands over at most (the kernel's line discipline buffer). */
const PTY_READ = 4096;

describe('terminal host flood', () => {
  it('sends a flood as frames of many reads each, contiguous and complete', async () => {
    world = new TermWorld();
    const { link } = await world.open('flood');
    const c = await world.port.connect('flood', world.dataDir, null);
    if (!c.ok) throw new Error(c.error.message);
    const frames: { at: number; end: number; data: string }[] = [];
    let tail = '';
    const from = await c.value.link.attach(1 << 30, () => undefined);
    // Attached at the stream's end (from past it is held to the end): only what follows counts.
    await c.value.link.attach(from, (at, end, data) => {
      frames.push({ at, end, data });
      tail = (tail + data).slice(-64);
    });
    link.input(`head -c ${BYTES} /dev/zero | tr '\\0' a; echo; echo flood-$((40+2))\r`);
    await until(() => tail.includes('flood-42'), 'the marker after the flood', 60_000);
    c.value.link.detach();

    for (let i = 1; i < frames.length; i++) expect(frames[i]!.at).toBe(frames[i - 1]!.end);
    const text = frames.map((f) => f.data).join('');
    // The flood is one run of BYTES letters: none lost, none repeated.
    expect(Math.max(...text.split(/[^a]+/).map((run) => run.length))).toBe(BYTES);
    // At most 4 KiB a read: one frame per read (what the host did before) would make at least BYTES / PTY_READ frames.
    expect(frames.length).toBeLessThan(BYTES / PTY_READ / 2);
  }, 90_000);
});
