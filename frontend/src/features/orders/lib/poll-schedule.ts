/** How often the order page asks for news, and when it stops. */
export const DEFAULT_INTERVAL_MS = 5_000;
/** Right after payment the saga moves in seconds: ask every second for a while. */
export const FAST_INTERVAL_MS = 1_000;
export const FAST_WINDOW_MS = 30_000;
export const MAX_BACKOFF_MS = 60_000;

type PollState = {
  /** The order reached a status it never leaves. */
  terminal: boolean;
  now: number;
  /** Poll fast until this instant (ms since epoch), e.g. payment time + FAST_WINDOW_MS. */
  fastUntil?: number | null;
  /** Failed polls in a row. */
  failures?: number;
};

/** Milliseconds until the next poll, or null to stop polling for good. */
export function nextPollDelay({ terminal, now, fastUntil = null, failures = 0 }: PollState): number | null {
  if (terminal) return null;
  const base = fastUntil !== null && now < fastUntil ? FAST_INTERVAL_MS : DEFAULT_INTERVAL_MS;
  if (failures <= 0) return base;
  return Math.min(MAX_BACKOFF_MS, Math.max(DEFAULT_INTERVAL_MS, base) * 2 ** (failures - 1));
}
