import type { TimelineEventFieldsFragment } from '@/gql/graphql';
import { formatDateTime } from '@/lib/dates';

/** What the shopper cares about: changes of the order, not each saga step's bookkeeping. */
const isShopperFacing = (event: TimelineEventFieldsFragment) => event.kind !== 'STEP_SUCCEEDED' && event.kind !== 'STEP_FAILED';

export function OrderTimeline({ events }: { events: readonly TimelineEventFieldsFragment[] }) {
  const shown = events.filter(isShopperFacing).reverse();
  return (
    <ol aria-label="Order history" className="flex flex-col">
      {shown.map((event, index) => (
        <li key={event.id} className="relative flex gap-3 pb-5 last:pb-0">
          {index < shown.length - 1 ? <span aria-hidden="true" className="absolute top-4 left-[5px] h-full w-px bg-stone-200" /> : null}
          <span aria-hidden="true" className={`mt-1.5 size-[11px] shrink-0 rounded-full ${index === 0 ? 'bg-emerald-600' : 'bg-stone-300'}`} />
          <div className="flex flex-col">
            <span className="text-sm text-stone-900">{event.message}</span>
            <time dateTime={event.at} className="text-xs text-stone-500">
              {formatDateTime(event.at)}
            </time>
          </div>
        </li>
      ))}
    </ol>
  );
}
