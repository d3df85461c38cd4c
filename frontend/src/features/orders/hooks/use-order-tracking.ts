import { useEffect, useMemo, useState } from 'react';
import { useClient, useQuery } from 'urql';

import type { OrderDetailQuery as OrderDetailResult, OrderUpdatesQuery as OrderUpdatesResult } from '@/gql/graphql';

import { OrderDetailQuery } from '../api/get-order';
import { OrderUpdatesQuery } from '../api/get-order-updates';
import { nextPollDelay } from '../lib/poll-schedule';

export type TrackedOrder = NonNullable<OrderDetailResult['order']>;
type Update = NonNullable<OrderUpdatesResult['orderUpdates']>;

const TERMINAL = new Set(['FULFILLED', 'FAILED', 'CANCELLED', 'EXPIRED']);

type Tracking = {
  order: TrackedOrder | null;
  loading: boolean;
  /** No order with this id for this access token. */
  notFound: boolean;
  error: Error | null;
  /** Polling is on (the order can still change). */
  live: boolean;
  /** The last successful check, for "updated at …". */
  checkedAt: number | null;
  /** Polls in a row that failed; the page says so after a few. */
  failures: number;
  reload: () => void;
};

function merge(order: TrackedOrder, update: Update): TrackedOrder {
  const known = new Set(order.timeline.map((event) => event.id));
  return {
    ...order,
    status: update.status,
    failureReason: update.failureReason,
    heldUntil: update.heldUntil,
    payment: update.payment,
    shipments: update.shipments,
    timeline: [...order.timeline, ...update.events.filter((event) => !known.has(event.id))],
  };
}

/**
 * The order, then its changes by polling `orderUpdates` after the last event seen: every 5 s, every
 * second until `fastUntil` (just after payment), backing off on errors, paused while the tab is hidden,
 * stopped for good at a terminal status.
 */
export function useOrderTracking(orderId: string, accessToken: string, fastUntil: number | null = null): Tracking {
  const client = useClient();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: OrderDetailQuery,
    variables: { id: orderId, accessToken },
    requestPolicy: 'network-only',
  });
  const base = data?.order ?? null;
  const [polled, setPolled] = useState<{ order: TrackedOrder; checkedAt: number; failures: number } | null>(null);
  // Updates apply to the order they were polled for; a new detail result (reload) starts over.
  const current = polled && base && polled.order.id === base.id ? polled : null;
  const order = current?.order ?? base;
  const terminal = order ? TERMINAL.has(order.status) : false;

  useEffect(() => {
    if (!base || TERMINAL.has(base.status)) return;
    let cancelled = false;
    let timer: number | undefined;
    let inFlight = false;
    let failures = 0;
    let latest: TrackedOrder = base;
    let cursor: string | null = base.timeline.at(-1)?.id ?? null;

    const schedule = () => {
      const delay = nextPollDelay({ terminal: TERMINAL.has(latest.status), now: Date.now(), fastUntil, failures });
      if (delay === null || cancelled) return;
      timer = window.setTimeout(() => void poll(), delay);
    };

    const poll = async () => {
      timer = undefined;
      if (document.hidden) return; // resumed by the visibility listener
      inFlight = true;
      const result = await client
        .query(OrderUpdatesQuery, { id: base.id, accessToken, after: cursor }, { requestPolicy: 'network-only' })
        .toPromise();
      inFlight = false;
      if (cancelled) return;
      const update = result.data?.orderUpdates;
      if (update) {
        failures = 0;
        latest = merge(latest, update);
        cursor = update.cursor ?? cursor;
      } else {
        failures += 1;
      }
      setPolled({ order: latest, checkedAt: Date.now(), failures });
      schedule();
    };

    const onVisibility = () => {
      if (!document.hidden && timer === undefined && !inFlight && !cancelled) void poll();
    };
    document.addEventListener('visibilitychange', onVisibility);
    schedule();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [client, base, accessToken, fastUntil]);

  return useMemo(
    () => ({
      order,
      loading: fetching && !data,
      notFound: Boolean(data && !data.order),
      error: error && !data ? error : null,
      live: Boolean(order) && !terminal,
      checkedAt: current?.checkedAt ?? null,
      failures: current?.failures ?? 0,
      reload: () => reexecute({ requestPolicy: 'network-only' }),
    }),
    [order, fetching, data, error, terminal, current, reexecute],
  );
}
