import { useEffect, useState } from 'react';

/** The clock (performance.now), ticking while `active`; for live elapsed times only. */
export function useNow(active: boolean, everyMs = 200): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(performance.now()), everyMs);
    return () => clearInterval(id);
  }, [active, everyMs]);
  return now;
}
