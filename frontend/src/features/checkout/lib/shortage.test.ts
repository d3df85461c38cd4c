// @vitest-environment node
import { describe, expect, it } from 'vitest';

import { shortageMessage } from './shortage';

const lines = [
  { sku: 'HAT-SN-05', name: 'Wide-brim sun hat' },
  { sku: 'MUG-EN-11', name: 'Enamel camp mug' },
];

describe('shortageMessage', () => {
  it('names the sold-out product as the order shows it', () => {
    expect(shortageMessage({ sku: 'HAT-SN-05', requested: 1, available: 0 }, lines, 'x')).toBe('“Wide-brim sun hat” is sold out.');
  });

  it('says how many are left when some are', () => {
    expect(shortageMessage({ sku: 'MUG-EN-11', requested: 3, available: 1 }, lines, 'x')).toBe('Only 1 of “Enamel camp mug” is left; this order has 3.');
    expect(shortageMessage({ sku: 'MUG-EN-11', requested: 3, available: 2 }, lines, 'x')).toBe('Only 2 of “Enamel camp mug” are left; this order has 3.');
  });

  it('falls back to the server’s words for a line it does not know', () => {
    expect(shortageMessage({ sku: 'OTHER', requested: 1, available: 0 }, lines, 'Only 0 of OTHER left.')).toBe('Only 0 of OTHER left.');
    expect(shortageMessage(null, lines, 'Out of stock.')).toBe('Out of stock.');
  });
});
