import { useEffect, useState } from 'react';
import { useClient } from 'urql';

import { graphql } from '@/gql';

export const DailyRevenueQuery = graphql(`
  query DailyRevenue($day: Date!) {
    analytics(from: $day, to: $day) {
      ordersPlaced
      revenue {
        currency
        gross {
          amount
          currency
        }
      }
    }
  }
`);

export type DayFigures = { day: string; orders: number; gross: number; currency: string | null };

/** The UTC days from `from` to `to`, both included, at most `limit` of them (the last ones). */
export function daysBetween(from: string, to: string, limit = 31): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let time = Date.parse(`${from}T00:00:00Z`); time <= end; time += 86_400_000) days.push(new Date(time).toISOString().slice(0, 10));
  return days.slice(-limit);
}

/**
 * Revenue per day. `analytics` answers for a period as a whole, so a time series is one query per day
 * (run together; at most 31).
 */
export function useDailyRevenue(from: string, to: string) {
  const client = useClient();
  const [state, setState] = useState<{ key: string; days: DayFigures[] | null; error: boolean }>({ key: '', days: null, error: false });
  const key = `${from}/${to}`;

  useEffect(() => {
    let cancelled = false;
    const days = daysBetween(from, to);
    void Promise.all(days.map((day) => client.query(DailyRevenueQuery, { day }, { requestPolicy: 'network-only' }).toPromise())).then(
      (results) => {
        if (cancelled) return;
        const failed = results.some((result) => !result.data);
        const figures = results.map((result, index) => {
          const usd = result.data?.analytics.revenue[0];
          return { day: days[index] ?? '', orders: result.data?.analytics.ordersPlaced ?? 0, gross: usd?.gross.amount ?? 0, currency: usd?.currency ?? null };
        });
        setState({ key, days: figures, error: failed });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, from, to, key]);

  return state.key === key ? state : { key, days: null, error: false };
}
