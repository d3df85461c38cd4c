import { Badge, type BadgeTone } from '@/components/ui/badge';
import type { AdminOrderQuery, OrderEventKind } from '@/gql/graphql';
import { formatDateTime } from '@/lib/dates';

type TimelineEvent = NonNullable<AdminOrderQuery['adminOrder']>['timeline'][number];

const TONES: Partial<Record<OrderEventKind, BadgeTone>> = {
  STEP_SUCCEEDED: 'green',
  STEP_FAILED: 'red',
  PAYMENT_FAILED: 'red',
  NOTIFICATION_FAILED: 'red',
  FAILED: 'red',
  COMPENSATION_REFUSED: 'red',
  CANCELLATION_REQUESTED: 'amber',
  COMPENSATION_STARTED: 'amber',
  INVENTORY_RELEASED: 'amber',
  AUTHORIZATION_CANCELLED: 'amber',
  PAYMENT_CANCELLED: 'amber',
  PAYMENT_REFUNDED: 'amber',
  CANCELLED: 'amber',
};

const toneOf = (kind: OrderEventKind): BadgeTone => TONES[kind] ?? 'blue';

/** Every entry of the order's timeline: status changes, each saga step attempt, errors and compensations. */
export function SagaTimeline({ events }: { events: readonly TimelineEvent[] }) {
  return (
    <ol aria-label="Saga timeline" className="flex flex-col divide-y divide-stone-100">
      {events.map((event) => {
        const detail = Object.keys(event.detail).length > 0 ? event.detail : null;
        const error = typeof event.detail.error === 'string' ? event.detail.error : null;
        return (
          <li key={event.id} className="flex flex-col gap-1 py-3 sm:flex-row sm:gap-4">
            <time dateTime={event.at} className="w-40 shrink-0 text-xs text-stone-500 tabular-nums">
              {formatDateTime(event.at)}
              <span className="block">{event.at.slice(11, 23)} UTC</span>
            </time>
            <div className="flex min-w-0 flex-1 flex-col gap-1">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={toneOf(event.kind)}>{event.kind.toLowerCase().replaceAll('_', ' ')}</Badge>
                {event.step ? <span className="text-xs font-medium text-stone-700">{event.step}</span> : null}
                {event.attempt ? <span className="text-xs text-stone-500">attempt {event.attempt}</span> : null}
                {event.status ? <span className="text-xs text-stone-500">→ {event.status}</span> : null}
              </div>
              <p className="text-sm text-stone-900">{event.message}</p>
              {error ? <p className="text-sm text-red-700">{error}</p> : null}
              {detail ? (
                <details className="text-xs text-stone-600">
                  <summary className="cursor-pointer select-none">Details</summary>
                  <pre className="mt-1 overflow-x-auto rounded bg-stone-50 p-2">{JSON.stringify(detail, null, 2)}</pre>
                </details>
              ) : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
