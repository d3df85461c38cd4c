/**
 * A hold on an order's items as the shopper sees it: live until `heldUntil` (the API's UTC instant), then
 * lapsed. The server decides what a lapsed hold means (the next payOrder holds the items again if they are
 * still in stock); this only tells the time.
 */
export type Hold = { state: 'live'; until: number; msLeft: number } | { state: 'lapsed'; until: number };

export function holdAt(heldUntil: string | null | undefined, now: number): Hold | null {
  if (!heldUntil) return null;
  const until = Date.parse(heldUntil);
  if (Number.isNaN(until)) return null;
  return until > now ? { state: 'live', until, msLeft: until - now } : { state: 'lapsed', until };
}

/** The later of two holds' ends: each payOrder renews the hold, so the newest answer has the latest end. */
export function laterHold(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

const MINUTE_MS = 60_000;

/** "about 9 minutes left": what a person would say, changing once a minute (so a screen reader hears it at most that often). */
export function timeLeftInWords(msLeft: number): string {
  const minutes = Math.round(msLeft / MINUTE_MS);
  if (minutes < 1) return 'less than a minute left';
  return minutes === 1 ? 'about 1 minute left' : `about ${minutes} minutes left`;
}

/** "9:05": the visible countdown, to the second. */
export function countdown(msLeft: number): string {
  const seconds = Math.max(0, Math.ceil(msLeft / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** "14:32" in the shopper's zone (or the one given). */
export function clockTime(instant: number, timeZone?: string): string {
  const key = timeZone ?? '';
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    formatters.set(key, formatter);
  }
  return formatter.format(instant);
}
