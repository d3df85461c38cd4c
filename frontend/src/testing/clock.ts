import { act } from '@testing-library/react';
import { vi } from 'vitest';

import type { Clock } from '@/lib/clock';

/**
 * A clock the test moves: the page reads `clock.now()`; `advance` moves it and runs the page's timers due
 * meanwhile. Needs Vitest's fake timers (`vi.useFakeTimers()`). Times are shown in `timeZone` (UTC unless told).
 */
export function manualClock(startIso: string, timeZone = 'UTC') {
  let now = Date.parse(startIso);
  const clock: Clock = { now: () => now, timeZone };
  return {
    clock,
    advance: (ms: number) => {
      now += ms;
      act(() => {
        vi.advanceTimersByTime(ms);
      });
    },
  };
}
