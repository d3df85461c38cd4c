// @vitest-environment node
import { describe, expect, it } from 'vitest';

import { DEFAULT_INTERVAL_MS, FAST_INTERVAL_MS, MAX_BACKOFF_MS, nextPollDelay } from './poll-schedule';

describe('nextPollDelay', () => {
  const now = 1_000_000;

  it('stops at a terminal status', () => {
    expect(nextPollDelay({ terminal: true, now })).toBeNull();
    expect(nextPollDelay({ terminal: true, now, fastUntil: now + 10_000 })).toBeNull();
  });

  it('polls every 5 s by default', () => {
    expect(nextPollDelay({ terminal: false, now })).toBe(DEFAULT_INTERVAL_MS);
  });

  it('polls every second right after payment, then falls back to the default', () => {
    expect(nextPollDelay({ terminal: false, now, fastUntil: now + 1 })).toBe(FAST_INTERVAL_MS);
    expect(nextPollDelay({ terminal: false, now, fastUntil: now })).toBe(DEFAULT_INTERVAL_MS);
  });

  it('backs off after failures, up to a minute', () => {
    expect(nextPollDelay({ terminal: false, now, failures: 1 })).toBe(5_000);
    expect(nextPollDelay({ terminal: false, now, failures: 2 })).toBe(10_000);
    expect(nextPollDelay({ terminal: false, now, failures: 3 })).toBe(20_000);
    expect(nextPollDelay({ terminal: false, now, failures: 10 })).toBe(MAX_BACKOFF_MS);
  });
});
