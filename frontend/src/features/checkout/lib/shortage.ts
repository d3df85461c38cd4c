import type { Shortage } from './pay';

type Line = { sku: string; name: string };

/**
 * OUT_OF_STOCK in the shopper's words, naming the product as the order shows it: "“Wide-brim sun hat” is
 * sold out." The server's message is the fallback (a line this page does not know).
 */
export function shortageMessage(shortage: Shortage | null, lines: readonly Line[], fallback: string): string {
  const line = shortage ? lines.find((candidate) => candidate.sku === shortage.sku) : undefined;
  if (!shortage || !line || shortage.available >= shortage.requested) return fallback;
  if (shortage.available <= 0) return `“${line.name}” is sold out.`;
  const units = shortage.available === 1 ? 'is' : 'are';
  return `Only ${shortage.available} of “${line.name}” ${units} left; this order has ${shortage.requested}.`;
}
