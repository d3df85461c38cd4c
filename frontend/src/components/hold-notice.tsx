import { cn } from '@/components/ui/cn';
import { useClock, useNow } from '@/lib/clock';
import { clockTime, countdown, holdAt, timeLeftInWords } from '@/lib/hold';

type HoldNoticeProps = {
  /** The order's `heldUntil` (UTC): null before the first payOrder and once the order is paid or ended. */
  heldUntil: string | null | undefined;
  /** The last card was declined: the hold stays for a retry. */
  afterDecline?: boolean;
  className?: string;
};

export const LAPSED_HOLD = 'Your hold has ended; paying will hold the items again if they’re still in stock.';
export const WHEN_IT_LAPSES = 'If the time runs out, we’ll try to hold them again when you pay — if they’re still in stock.';

/**
 * "Your items are held for you until 14:32 (about 9 minutes left)", with a countdown, then what a lapsed
 * hold means. One polite live region whose words change at most once a minute (and when the hold ends);
 * the per-second countdown beside it is hidden from screen readers, so they are not told every second.
 */
export function HoldNotice({ heldUntil, afterDecline = false, className }: HoldNoticeProps) {
  const clock = useClock();
  const now = useNow(heldUntil ? 1_000 : null);
  const hold = holdAt(heldUntil, now);
  if (!hold) return null;

  const live = hold.state === 'live';
  const time = <time dateTime={new Date(hold.until).toISOString()}>{clockTime(hold.until, clock.timeZone)}</time>;
  return (
    <div
      data-testid="hold-notice"
      className={cn(
        'rounded-md border p-4 text-sm',
        live ? 'border-sky-200 bg-sky-50 text-sky-900' : 'border-amber-200 bg-amber-50 text-amber-900',
        className,
      )}
    >
      <div className="flex items-start justify-between gap-4">
        {/* The same element in both states, so the change to "ended" is announced. */}
        <p role="status" aria-live="polite" aria-atomic="true" className="font-semibold">
          {!live ? (
            LAPSED_HOLD
          ) : afterDecline ? (
            <>
              Your items stay held until {time} ({timeLeftInWords(hold.msLeft)}) — try another card.
            </>
          ) : (
            <>
              Your items are held for you until {time} ({timeLeftInWords(hold.msLeft)}).
            </>
          )}
        </p>
        {live ? (
          <span aria-hidden="true" data-testid="hold-countdown" className="shrink-0 rounded bg-white/70 px-2 py-0.5 font-mono text-base tabular-nums">
            {countdown(hold.msLeft)}
          </span>
        ) : null}
      </div>
      {live ? <p className="mt-1">{WHEN_IT_LAPSES}</p> : null}
    </div>
  );
}
