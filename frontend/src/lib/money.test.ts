// @vitest-environment node
import { describe, expect, it } from 'vitest';

import { formatMoney } from './money';

describe('formatMoney', () => {
  it('shows cents as dollars', () => {
    expect(formatMoney({ amount: 4199, currency: 'USD' })).toBe('$41.99');
  });

  it('knows currencies without minor units', () => {
    expect(formatMoney({ amount: 1200, currency: 'JPY' })).toBe('¥1,200');
  });
});
