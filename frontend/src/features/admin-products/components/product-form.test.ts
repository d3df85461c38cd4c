// @vitest-environment node
import { describe, expect, it } from 'vitest';

import { parseDollars } from './product-form';

describe('parseDollars', () => {
  it('turns a price into cents', () => {
    expect(parseDollars('12.5')).toBe(1250);
    expect(parseDollars(' 0.99 ')).toBe(99);
    expect(parseDollars('349')).toBe(34900);
  });

  it('refuses what is not an amount', () => {
    expect(parseDollars('')).toBeNull();
    expect(parseDollars('1.999')).toBeNull();
    expect(parseDollars('-3')).toBeNull();
    expect(parseDollars('ten')).toBeNull();
  });
});
