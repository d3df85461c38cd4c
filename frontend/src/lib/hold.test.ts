// @vitest-environment node
import { describe, expect, it } from 'vitest';

import { clockTime, countdown, holdAt, laterHold, timeLeftInWords } from './hold';

const at = (iso: string) => Date.parse(iso);

describe('holdAt', () => {
  it('is live until its end, then lapsed', () => {
    expect(holdAt('2026-12-05T14:32:00Z', at('2026-12-05T14:22:40Z'))).toEqual({ state: 'live', until: at('2026-12-05T14:32:00Z'), msLeft: 560_000 });
    expect(holdAt('2026-12-05T14:32:00Z', at('2026-12-05T14:32:00Z'))).toEqual({ state: 'lapsed', until: at('2026-12-05T14:32:00Z') });
  });

  it('is nothing without an end the browser can read', () => {
    expect(holdAt(null, 0)).toBeNull();
    expect(holdAt(undefined, 0)).toBeNull();
    expect(holdAt('soon', 0)).toBeNull();
  });
});

describe('laterHold', () => {
  it('keeps the later end, whichever answer brought it', () => {
    expect(laterHold('2026-12-05T14:32:00Z', '2026-12-05T14:40:00+00:00')).toBe('2026-12-05T14:40:00+00:00');
    expect(laterHold('2026-12-05T14:40:00Z', '2026-12-05T14:32:00Z')).toBe('2026-12-05T14:40:00Z');
    expect(laterHold(null, '2026-12-05T14:32:00Z')).toBe('2026-12-05T14:32:00Z');
    expect(laterHold('2026-12-05T14:32:00Z', null)).toBe('2026-12-05T14:32:00Z');
    expect(laterHold(null, undefined)).toBeNull();
  });
});

describe('the words for the time left', () => {
  it('round to the nearest minute, down to less than a minute', () => {
    expect(timeLeftInWords(9 * 60_000 + 20_000)).toBe('about 9 minutes left');
    expect(timeLeftInWords(9 * 60_000 + 31_000)).toBe('about 10 minutes left');
    expect(timeLeftInWords(90_000)).toBe('about 2 minutes left');
    expect(timeLeftInWords(60_000)).toBe('about 1 minute left');
    expect(timeLeftInWords(29_000)).toBe('less than a minute left');
  });

  it('count down to the second, never below zero', () => {
    expect(countdown(560_000)).toBe('9:20');
    expect(countdown(59_001)).toBe('1:00');
    expect(countdown(5_000)).toBe('0:05');
    expect(countdown(-1)).toBe('0:00');
  });

  it('show the end on a 24-hour clock in the zone given', () => {
    expect(clockTime(at('2026-12-05T14:32:00Z'), 'UTC')).toBe('14:32');
    expect(clockTime(at('2026-12-05T14:32:00Z'), 'Europe/Paris')).toBe('15:32');
    expect(clockTime(at('2026-12-05T00:05:00Z'), 'UTC')).toBe('00:05');
  });
});
