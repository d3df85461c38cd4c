// @vitest-environment node
import { describe, expect, it } from 'vitest';

import { daysBetween } from './get-daily-revenue';

describe('daysBetween', () => {
  it('lists the days of the period, both ends included', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('keeps the last days when the period is longer than the limit', () => {
    expect(daysBetween('2026-01-01', '2026-01-10', 3)).toEqual(['2026-01-08', '2026-01-09', '2026-01-10']);
  });

  it('is empty when the period ends before it starts', () => {
    expect(daysBetween('2026-01-10', '2026-01-01')).toEqual([]);
  });
});
