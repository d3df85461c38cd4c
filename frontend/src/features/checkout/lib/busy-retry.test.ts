// @vitest-environment node
import { describe, expect, it } from 'vitest';

import { busyRetryDelay, JITTER_MS } from './busy-retry';

describe('busyRetryDelay', () => {
  it('waits at least what the API asked', () => {
    expect(busyRetryDelay(80, 1, () => 0)).toBe(80);
    expect(busyRetryDelay(-5, 1, () => 0)).toBe(0);
  });

  it('adds a random part that grows with each try', () => {
    expect(busyRetryDelay(80, 1, () => 0.5)).toBe(80 + JITTER_MS / 2);
    expect(busyRetryDelay(80, 3, () => 0.999)).toBeLessThanOrEqual(80 + 3 * JITTER_MS);
    expect(busyRetryDelay(80, 3, () => 0.999)).toBeGreaterThan(80 + 2 * JITTER_MS);
  });
});
