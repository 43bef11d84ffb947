/** Small React hooks the features share (the ticking clock for "2 min ago"). */
import { useEffect, useState } from 'react';

/** The current time, refreshed every `everyMs`, for labels such as "Woke 2 min ago" that age on screen. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
