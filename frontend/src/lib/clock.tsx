import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/**
 * The browser's clock, injected: what judges time on a page (a hold's countdown) reads it from here, so
 * tests choose the instant and the zone instead of depending on today's date and the machine's zone.
 */
export type Clock = {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** The IANA zone times are shown in; undefined: the browser's own. */
  timeZone?: string;
};

export const browserClock: Clock = { now: () => Date.now() };

const ClockContext = createContext<Clock>(browserClock);

export function ClockProvider({ clock, children }: { clock: Clock; children: ReactNode }) {
  return <ClockContext.Provider value={clock}>{children}</ClockContext.Provider>;
}

export function useClock(): Clock {
  return useContext(ClockContext);
}

/** The clock's time, read again every `everyMs` while mounted; `null` stops reading (nothing left to count). */
export function useNow(everyMs: number | null): number {
  const clock = useClock();
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    if (everyMs === null) return;
    const timer = window.setInterval(() => setNow(clock.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [clock, everyMs]);
  return now;
}
