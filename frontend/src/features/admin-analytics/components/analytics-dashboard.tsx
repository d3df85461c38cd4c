import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { formatMoney } from '@/lib/money';
import { ORDER_STATUS } from '@/lib/order-status';
import { useDocumentTitle } from '@/lib/use-document-title';

import { AnalyticsQuery } from '../api/get-analytics';
import { useDailyRevenue } from '../api/get-daily-revenue';
import { BarList } from './bar-list';

const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
const daysAgo = (days: number) => isoDay(Date.now() - days * 86_400_000);
/** The last `days` UTC days, today included. */
const lastDays = (days: number) => ({ from: daysAgo(days - 1), to: daysAgo(0) });

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

export function AnalyticsDashboard() {
  useDocumentTitle('Analytics · Admin');
  const [range, setRange] = useState(() => lastDays(14));
  const [draft, setDraft] = useState(range);
  const [{ data, fetching, error }, refetch] = useQuery({ query: AnalyticsQuery, variables: range, requestPolicy: 'cache-and-network' });
  const daily = useDailyRevenue(range.from, range.to);
  const analytics = data?.analytics;

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-4 lg:flex-row lg:items-end lg:justify-between">
        <h1 className="text-2xl font-bold tracking-tight">Analytics</h1>
        <form
          aria-label="Period"
          className="flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.from && draft.to && draft.from <= draft.to) setRange(draft);
          }}
        >
          <TextField label="From" type="date" value={draft.from} max={draft.to} onChange={(event) => setDraft({ ...draft, from: event.target.value })} />
          <TextField label="To" type="date" value={draft.to} min={draft.from} onChange={(event) => setDraft({ ...draft, to: event.target.value })} />
          <Button type="submit">Show</Button>
          {[7, 30].map((days) => (
            <Button
              key={days}
              variant="ghost"
              onClick={() => {
                const next = lastDays(days);
                setDraft(next);
                setRange(next);
              }}
            >
              Last {days} days
            </Button>
          ))}
        </form>
      </div>

      {error && !analytics ? (
        <Alert title="Analytics could not be loaded.">
          <Button variant="secondary" size="sm" className="mt-3" onClick={() => refetch({ requestPolicy: 'network-only' })}>
            Try again
          </Button>
        </Alert>
      ) : !analytics ? (
        <LoadingRegion label="Loading analytics">
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {[0, 1, 2, 3].map((index) => (
              <Skeleton key={index} className="h-24" />
            ))}
          </div>
        </LoadingRegion>
      ) : (
        <div className={fetching ? 'opacity-70 transition-opacity' : undefined}>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Figure label="Orders placed" value={String(analytics.ordersPlaced)} />
            <Figure
              label="Gross revenue"
              value={analytics.revenue.length ? analytics.revenue.map((revenue) => formatMoney(revenue.gross)).join(' · ') : '$0.00'}
              note={analytics.revenue.map((revenue) => `${formatMoney(revenue.captured)} captured, ${formatMoney(revenue.refunded)} refunded`).join(' · ') || undefined}
            />
            <Figure
              label="Payment to shipment"
              value={formatDuration(analytics.paymentToShipment.averageSeconds)}
              note={`p95 ${formatDuration(analytics.paymentToShipment.p95Seconds)} · ${analytics.paymentToShipment.shipments} shipped`}
            />
            <Figure
              label="Failures / compensations"
              value={`${percent(analytics.failureRate)} / ${percent(analytics.compensationRate)}`}
              note={`${analytics.failures} failed · ${analytics.compensations} undone`}
            />
          </div>
          <div className="mt-6 grid gap-6 lg:grid-cols-2">
            <Chart title="Orders by status">
              {analytics.ordersByStatus.length === 0 ? (
                <NoData />
              ) : (
                <BarList
                  label="Orders by status"
                  bars={analytics.ordersByStatus.map((entry) => ({
                    key: entry.status,
                    label: ORDER_STATUS[entry.status].label,
                    value: entry.count,
                    display: String(entry.count),
                  }))}
                />
              )}
            </Chart>
            <Chart title="Revenue over time">
              <RevenueChart days={daily.days} error={daily.error} />
            </Chart>
            <Chart title="Payment to shipment">
              {analytics.paymentToShipment.shipments === 0 ? (
                <NoData />
              ) : (
                <BarList
                  label="Payment to shipment time"
                  color="bg-sky-600"
                  bars={[
                    { key: 'avg', label: 'Average', value: analytics.paymentToShipment.averageSeconds ?? 0, display: formatDuration(analytics.paymentToShipment.averageSeconds) },
                    { key: 'p95', label: '95th percentile', value: analytics.paymentToShipment.p95Seconds ?? 0, display: formatDuration(analytics.paymentToShipment.p95Seconds) },
                  ]}
                />
              )}
            </Chart>
            <Chart title="Top products">
              {analytics.topProducts.length === 0 ? (
                <NoData />
              ) : (
                <BarList
                  label="Top products by units shipped"
                  color="bg-amber-500"
                  bars={analytics.topProducts.map((product) => ({
                    key: product.productId,
                    label: product.name ?? product.productId,
                    value: product.units,
                    display: `${product.units} units`,
                  }))}
                />
              )}
            </Chart>
          </div>
          <div className="mt-6">
            <Chart title={`Low stock now (${analytics.lowStock.length})`}>
              {analytics.lowStock.length === 0 ? (
                <p className="text-sm text-stone-600">Nothing is low on stock.</p>
              ) : (
                <ul className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
                  {analytics.lowStock.map((item) => (
                    <li key={`${item.product.id}:${item.warehouseId}`} className="flex justify-between gap-3">
                      <Link to={`/admin/inventory/${item.product.id}`} className="text-emerald-800 hover:underline">
                        {item.product.name}
                      </Link>
                      <span className="text-stone-600 tabular-nums">
                        {item.warehouseId}: {item.available} / {item.threshold}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Chart>
          </div>
        </div>
      )}
    </div>
  );
}

function RevenueChart({ days, error }: { days: { day: string; gross: number; currency: string | null; orders: number }[] | null; error: boolean }) {
  if (!days) return <Skeleton className="h-40 w-full" />;
  if (error) return <p className="text-sm text-red-700">Some days could not be loaded.</p>;
  const max = Math.max(1, ...days.map((day) => day.gross));
  if (days.every((day) => day.gross === 0)) return <NoData />;
  return (
    <figure>
      <ol aria-label="Gross revenue per day" className="flex h-40 items-end gap-1">
        {days.map((day) => {
          const text = `${day.day}: ${formatMoney({ amount: day.gross, currency: day.currency ?? 'USD' })}, ${day.orders} orders`;
          return (
            <li key={day.day} className="flex h-full flex-1 flex-col justify-end" title={text}>
              <span className="sr-only">{text}</span>
              <span aria-hidden="true" className="block min-h-px rounded-t bg-emerald-600" style={{ height: `${(day.gross / max) * 100}%` }} />
            </li>
          );
        })}
      </ol>
      <figcaption className="mt-2 flex justify-between text-xs text-stone-500">
        <span>{days[0]?.day}</span>
        <span>{days.at(-1)?.day}</span>
      </figcaption>
    </figure>
  );
}

function Figure({ label, value, note }: { label: string; value: string; note?: string | undefined }) {
  return (
    <div className="rounded-lg border border-stone-200 bg-white p-4">
      <p className="text-sm text-stone-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      {note ? <p className="mt-1 text-xs text-stone-500">{note}</p> : null}
    </div>
  );
}

function Chart({ title, children }: { title: string; children: ReactNode }) {
  const id = `chart-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-stone-200 bg-white p-5">
      <h2 id={id} className="mb-4 font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function NoData() {
  return <p className="py-6 text-center text-sm text-stone-600">No data for this period.</p>;
}
