import { act } from '@testing-library/react';
import { vi } from 'vitest';

import type { Clock } from '@/lib/clock';

// Taken before a test fakes the timers. React runs the effects of a render that happened outside act()
// (an answer from the mocked API) on a real macrotask: `advance` waits for one, so the page's intervals exist.
const realSetImmediate = globalThis.setImmediate;

/**
 * A clock the test moves: the page reads `clock.now()`; `advance` moves it and runs the page's timers due
 * meanwhile. Needs Vitest's fake timers (`vi.useFakeTimers()`). Times are shown in `timeZone` (UTC unless told).
 */
export function manualClock(startIso: string, timeZone = 'UTC') {
  let now = Date.parse(startIso);
  const clock: Clock = { now: () => now, timeZone };
  return {
    clock,
    advance: async (ms: number) => {
      await act(() => new Promise<void>((resolve) => realSetImmediate(() => resolve())));
      now += ms;
      act(() => {
        vi.advanceTimersByTime(ms);
      });
    },
  };
}
