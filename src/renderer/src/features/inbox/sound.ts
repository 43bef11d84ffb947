/** The optional notification sound in browser mode: a short two-note chime synthesized with WebAudio, so no audio file ships. */

/** The chime: two soft sine notes, rising (a call back, not an alarm). Seconds from the start. */
export const CHIME: readonly { hz: number; at: number; for: number }[] = [
  { hz: 880, at: 0, for: 0.18 },
  { hz: 1318.5, at: 0.12, for: 0.3 },
];
const PEAK_GAIN = 0.15;

let context: AudioContext | null = null;

/**
 * Plays the chime; false where the page has no WebAudio. One context is kept:
 * browsers start it suspended until the person has interacted with the page,
 * and resuming it from a click (turning the sound on plays it once) lets later
 * chimes sound while the person looks elsewhere.
 */
export function playChime(): boolean {
  if (typeof window === 'undefined' || typeof window.AudioContext !== 'function') return false;
  context ??= new window.AudioContext();
  const ctx = context;
  void ctx.resume().catch(() => undefined);
  const t0 = ctx.currentTime;
  for (const note of CHIME) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = note.hz;
    // A quick attack and an exponential fade: no click at either end.
    gain.gain.setValueAtTime(0.0001, t0 + note.at);
    gain.gain.exponentialRampToValueAtTime(PEAK_GAIN, t0 + note.at + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + note.at + note.for);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + note.at);
    osc.stop(t0 + note.at + note.for + 0.02);
  }
  return true;
}
