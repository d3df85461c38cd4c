import { Button } from '@/components/ui/button';
import { useNow } from '@/lib/clock';

type PaymentsBusyProps = {
  /**
   * null: nothing to tell; otherwise when the next automatic try fires (clock ms, null once they stopped) and whether
   * the items are held (PAYMENTS_BUSY) or were too contended to hold (STOCK_BUSY).
   */
  busy: { retryAt: number | null; held: boolean } | null;
  /** A try is under way (automatic or the shopper's). */
  trying: boolean;
  onTryNow: () => void;
};

const HELD = 'Your items are held and your card was not charged.';
const NOT_HELD = 'Nothing is held yet and your card was not charged.';

/**
 * "Payments are busy — trying again in 2 s": the status after PAYMENTS_BUSY while the page tries again by itself,
 * then what to do once it stopped. The live region is always rendered, so each change of its words is announced.
 */
export function PaymentsBusy({ busy, trying, onTryNow }: PaymentsBusyProps) {
  const retryAt = busy?.retryAt ?? null;
  const now = useNow(retryAt === null ? null : 250);
  const seconds = retryAt === null ? 0 : Math.max(1, Math.ceil((retryAt - now) / 1000));
  const what = busy?.held === false ? 'Many shoppers are buying these items' : 'Payments are busy';
  const words = !busy
    ? null
    : trying
      ? `${what} — trying again now…`
      : retryAt !== null
        ? `${what} — trying again in ${seconds} s.`
        : busy.held
          ? 'Payments are still busy, so we stopped trying for now.'
          : 'Many shoppers are still buying these items, so we stopped trying for now.';
  const note = busy?.held === false ? NOT_HELD : HELD;

  return (
    // Out of the layout (sr-only) while there is nothing to tell, so the form's spacing stays as it was.
    <div className={busy ? 'rounded-md border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900' : 'sr-only'}>
      <p role="status" aria-live="polite" aria-atomic="true" className="font-semibold">
        {words}
      </p>
      {busy ? (
        <div className="mt-1 flex flex-wrap items-center justify-between gap-3">
          <p>{retryAt === null && !trying ? `${note} Try again in a moment.` : note}</p>
          <Button size="sm" variant="secondary" disabled={trying} onClick={onTryNow}>
            Try now
          </Button>
        </div>
      ) : null}
    </div>
  );
}
