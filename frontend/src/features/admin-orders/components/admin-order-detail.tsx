import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';

import { OrderStatusBadge } from '@/components/order-status-badge';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { formatDateTime, formatDay } from '@/lib/dates';
import { formatMoney } from '@/lib/money';
import { useDocumentTitle } from '@/lib/use-document-title';

import { AdminOrderQuery } from '../api/get-admin-order';
import { CancelOrderButton } from './cancel-order-button';
import { SagaTimeline } from './saga-timeline';

const SETTLED = new Set(['PENDING_PAYMENT', 'PAYMENT_FAILED', 'FULFILLED', 'FAILED', 'CANCELLED', 'EXPIRED']);

export function AdminOrderDetail({ orderId }: { orderId: string }) {
  useDocumentTitle(`Order ${orderId} · Admin`);
  const [{ data, fetching, error }, refetch] = useQuery({ query: AdminOrderQuery, variables: { id: orderId }, requestPolicy: 'cache-and-network' });
  const [result, setResult] = useState<{ tone: 'success' | 'error'; message: string } | null>(null);
  const order = data?.adminOrder;
  const moving = order ? !SETTLED.has(order.status) : false;

  // While the saga or a compensation is running, follow it.
  useEffect(() => {
    if (!moving) return;
    const timer = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), 2_000);
    return () => window.clearInterval(timer);
  }, [moving, refetch]);

  if (fetching && !data) {
    return (
      <LoadingRegion label="Loading the order">
        <Skeleton className="h-8 w-72" />
        <Skeleton className="mt-4 h-64 w-full" />
      </LoadingRegion>
    );
  }
  if (error && !data) {
    return (
      <Alert title="The order could not be loaded.">
        <Button variant="secondary" size="sm" className="mt-3" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (!order) return <EmptyState title={`No order ${orderId}`}>Check the id, or find the order in the list.</EmptyState>;

  const { payment } = order;
  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link to="/admin/orders" className="text-emerald-800 hover:underline">
          ← Orders
        </Link>
      </nav>
      <header className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="flex flex-col gap-1">
          <h1 className="font-mono text-xl font-bold tracking-tight sm:text-2xl">{order.id}</h1>
          <p className="text-sm text-stone-600">
            {order.email} · placed {formatDateTime(order.createdAt)} · updated {formatDateTime(order.updatedAt)}
          </p>
          <div role="status" aria-label={`Status: ${order.status}`} className="flex items-center gap-2">
            <OrderStatusBadge status={order.status} />
            {moving ? <span className="text-xs text-stone-500">following live…</span> : null}
          </div>
        </div>
        {order.cancellable ? (
          <CancelOrderButton
            orderId={order.id}
            onResult={(next) => {
              setResult(next);
              refetch({ requestPolicy: 'network-only' });
            }}
          />
        ) : null}
      </header>

      {result ? <Alert tone={result.tone}>{result.message}</Alert> : null}
      {order.failureReason ? <Alert tone="warning" title="Failure reason">{order.failureReason}</Alert> : null}

      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="flex flex-col gap-6">
          <Panel title="Lines">
            <div className="overflow-x-auto">
              <table className="w-full min-w-[28rem] text-left text-sm">
                <thead className="text-xs text-stone-500 uppercase">
                  <tr>
                    <th scope="col" className="py-2 font-medium">Product</th>
                    <th scope="col" className="py-2 font-medium">SKU</th>
                    <th scope="col" className="py-2 text-right font-medium">Qty</th>
                    <th scope="col" className="py-2 text-right font-medium">Unit</th>
                    <th scope="col" className="py-2 text-right font-medium">Total</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-stone-100">
                  {order.lines.map((line) => (
                    <tr key={line.productId}>
                      <td className="py-2">
                        <Link to={`/admin/inventory/${line.productId}`} className="text-emerald-800 hover:underline">
                          {line.name}
                        </Link>
                      </td>
                      <td className="py-2 font-mono text-xs">{line.sku}</td>
                      <td className="py-2 text-right">{line.quantity}</td>
                      <td className="py-2 text-right">{formatMoney(line.unitPrice)}</td>
                      <td className="py-2 text-right">{formatMoney(line.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Panel>
          <Panel title="Timeline">
            <SagaTimeline events={order.timeline} />
          </Panel>
        </div>
        <div className="flex flex-col gap-6">
          <Panel title="Payment">
            <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
              <dt className="text-stone-600">Status</dt>
              <dd>{payment.status.toLowerCase().replaceAll('_', ' ')}</dd>
              <dt className="text-stone-600">Order total</dt>
              <dd>{formatMoney(order.total)}</dd>
              <dt className="text-stone-600">Authorized</dt>
              <dd>{formatMoney(payment.authorized)}</dd>
              <dt className="text-stone-600">Captured</dt>
              <dd>{formatMoney(payment.captured)}</dd>
              <dt className="text-stone-600">Refunded</dt>
              <dd>{formatMoney(payment.refunded)}</dd>
              {order.paymentIntentId ? (
                <>
                  <dt className="text-stone-600">Intent</dt>
                  <dd className="font-mono text-xs break-all">{order.paymentIntentId}</dd>
                </>
              ) : null}
            </dl>
            {payment.failureReason ? <p className="mt-2 text-sm text-red-700">{payment.failureReason}</p> : null}
          </Panel>
          <Panel title="Shipments">
            {order.shipments.length === 0 ? (
              <p className="text-sm text-stone-600">None yet.</p>
            ) : (
              <ul className="flex flex-col gap-2 text-sm">
                {order.shipments.map((shipment) => (
                  <li key={shipment.id}>
                    <span className="font-medium">{shipment.carrier}</span>{' '}
                    <a href={shipment.trackingUrl} target="_blank" rel="noopener noreferrer" className="font-mono text-emerald-800 underline">
                      {shipment.trackingNumber}
                    </a>
                    <span className="block text-xs text-stone-600">
                      from {shipment.warehouseId} · due {formatDay(shipment.estimatedDelivery)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
          <Panel title="Ship to">
            <address className="text-sm not-italic">
              {order.shippingAddress.name}
              <br />
              {order.shippingAddress.line1}
              {order.shippingAddress.line2 ? `, ${order.shippingAddress.line2}` : ''}
              <br />
              {order.shippingAddress.city} {order.shippingAddress.region} {order.shippingAddress.postalCode}, {order.shippingAddress.country}
            </address>
          </Panel>
        </div>
      </div>
    </div>
  );
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  const id = `panel-${title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-stone-200 bg-white p-5">
      <h2 id={id} className="mb-3 text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
