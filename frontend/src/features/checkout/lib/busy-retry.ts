/**
 * How the payment step tries again after PAYMENTS_BUSY (the stack's Stripe write budget is spent for this tenth of a
 * second; commerce/payment_budget.py): the hold is kept and nothing reached Stripe, so the same request is sent again.
 */

/** Automatic tries after a shopper's click before the page stops and asks them to try again themselves. */
export const AUTOMATIC_RETRIES = 5;

/**
 * Each automatic try waits the API's `retryAfterMs` plus a random part of up to this much per try already made, so
 * shoppers turned away in the same window do not all come back in the next one, and later tries wait a little longer.
 */
export const JITTER_MS = 400;

/** The wait before automatic try number `retry` (1 for the first). */
export function busyRetryDelay(retryAfterMs: number, retry: number, random: () => number = Math.random): number {
  return Math.max(0, retryAfterMs) + Math.round(random() * JITTER_MS * retry);
}
