import type { ReactNode } from 'react';

import { HoldNotice } from '@/components/hold-notice';
import { OrderLinesSummary } from '@/components/order-lines-summary';
import { OrderStatusBadge } from '@/components/order-status-badge';
import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { formatDateTime, formatTime } from '@/lib/dates';
import { formatMoney } from '@/lib/money';
import { ORDER_STATUS } from '@/lib/order-status';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useOrderTracking, type TrackedOrder } from '../hooks/use-order-tracking';
import { OrderTimeline } from './order-timeline';
import { ProgressTracker } from './progress-tracker';
import { ShipmentList } from './shipment-list';

const PROBLEM_STATUSES = new Set(['PAYMENT_FAILED', 'COMPENSATING', 'FAILED', 'CANCELLED', 'EXPIRED']);
/** The order still waits for a payment: its items may be held for it. */
const AWAITING_PAYMENT = new Set(['PENDING_PAYMENT', 'PAYMENT_FAILED']);

type OrderTrackingProps = {
  orderId: string;
  accessToken: string;
  /** Poll fast until then: set right after payment. */
  fastUntil?: number | null;
  /** Shown on top after checkout. */
  justPaid?: boolean;
};

export function OrderTracking({ orderId, accessToken, fastUntil = null, justPaid = false }: OrderTrackingProps) {
  const tracking = useOrderTracking(orderId, accessToken, fastUntil);
  const { order } = tracking;
  useDocumentTitle(order ? `Order ${order.id}` : 'Your order');

  if (tracking.loading) {
    return (
      <LoadingRegion label="Loading your order">
        <div className="flex flex-col gap-4">
          <Skeleton className="h-8 w-64" />
          <Skeleton className="h-6 w-full" />
          <Skeleton className="h-48 w-full" />
        </div>
      </LoadingRegion>
    );
  }
  if (tracking.error) {
    return (
      <Alert title="We could not load your order.">
        <Button variant="secondary" size="sm" className="mt-3" onClick={tracking.reload}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (tracking.notFound || !order) {
    return (
      <EmptyState title="Order not found" action={<ButtonLink to="/orders">Your orders</ButtonLink>}>
        No order {orderId} can be shown with the access saved on this device.
      </EmptyState>
    );
  }

  const status = ORDER_STATUS[order.status];
  return (
    <div className="flex flex-col gap-6">
      {justPaid ? (
        <Alert tone="success" title="Thank you! Your order is confirmed.">
          We sent a confirmation to {order.email}. This page updates as your order moves along.
        </Alert>
      ) : null}

      <header className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          {/* An order id is one long word: on a phone it must wrap, not widen the page */}
          <h1 className="text-2xl font-bold tracking-tight wrap-anywhere">Order {order.id}</h1>
          <p className="text-sm text-stone-600">Placed {formatDateTime(order.createdAt)}</p>
        </div>
        <div className="flex flex-col items-start gap-1 sm:items-end">
          <div role="status" aria-live="polite" aria-label={`Order status: ${status.label}`}>
            <OrderStatusBadge status={order.status} />
          </div>
          <LiveIndicator live={tracking.live} checkedAt={tracking.checkedAt} failures={tracking.failures} />
        </div>
      </header>

      {PROBLEM_STATUSES.has(order.status) ? (
        <Alert tone={order.status === 'PAYMENT_FAILED' || order.status === 'FAILED' ? 'error' : 'warning'} title={status.label}>
          <p>{order.failureReason ?? order.payment.failureReason ?? status.description}</p>
          {order.status === 'PAYMENT_FAILED' ? (
            <ButtonLink to={`/checkout/payment/${order.id}`} size="sm" className="mt-3">
              Pay with another card
            </ButtonLink>
          ) : null}
        </Alert>
      ) : (
        <section aria-labelledby="progress-title" className="rounded-lg border border-stone-200 bg-white p-5">
          <h2 id="progress-title" className="mb-4 text-sm font-medium text-stone-600">
            {status.description}
          </h2>
          <ProgressTracker status={order.status} />
          {order.status === 'PENDING_PAYMENT' ? (
            <ButtonLink to={`/checkout/payment/${order.id}`} size="sm" className="mt-4">
              Complete payment
            </ButtonLink>
          ) : null}
        </section>
      )}

      {AWAITING_PAYMENT.has(order.status) ? <HoldNotice heldUntil={order.heldUntil} afterDecline={order.status === 'PAYMENT_FAILED'} /> : null}

      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="flex flex-col gap-6">
          <Section title="Shipments">
            {order.shipments.length > 0 ? (
              <ShipmentList shipments={order.shipments} />
            ) : (
              <p className="text-sm text-stone-600">Tracking details appear here as soon as your parcel is handed to the carrier.</p>
            )}
          </Section>
          <Section title="History">
            <OrderTimeline events={order.timeline} />
          </Section>
        </div>
        <div className="flex flex-col gap-6">
          <OrderSummary order={order} />
          <Section title="Shipping to">
            <address className="text-sm text-stone-700 not-italic">
              {order.shippingAddress.name}
              <br />
              {order.shippingAddress.line1}
              {order.shippingAddress.line2 ? (
                <>
                  <br />
                  {order.shippingAddress.line2}
                </>
              ) : null}
              <br />
              {order.shippingAddress.city}
              {order.shippingAddress.region ? `, ${order.shippingAddress.region}` : ''} {order.shippingAddress.postalCode}
              <br />
              {order.shippingAddress.country}
            </address>
          </Section>
        </div>
      </div>
    </div>
  );
}

function LiveIndicator({ live, checkedAt, failures }: { live: boolean; checkedAt: number | null; failures: number }) {
  if (!live) return null;
  if (failures >= 2) return <p className="text-xs text-amber-800">Reconnecting… updates are paused.</p>;
  return (
    <p className="flex items-center gap-1.5 text-xs text-stone-600">
      <span aria-hidden="true" className="relative flex size-2">
        <span className="absolute inline-flex size-full animate-ping rounded-full bg-emerald-400 opacity-75 motion-reduce:animate-none" />
        <span className="relative inline-flex size-2 rounded-full bg-emerald-500" />
      </span>
      Live{checkedAt ? ` · checked ${formatTime(checkedAt)}` : ''}
    </p>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-stone-200 bg-white p-5">
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function OrderSummary({ order }: { order: TrackedOrder }) {
  const { payment } = order;
  return (
    <Section title="Summary">
      <OrderLinesSummary lines={order.lines} subtotal={order.subtotal} shipping={order.shipping} total={order.total}>
        {payment.captured.amount > 0 ? (
          <div className="flex justify-between text-stone-600">
            <dt>Charged</dt>
            <dd>{formatMoney(payment.captured)}</dd>
          </div>
        ) : payment.authorized.amount > 0 ? (
          <div className="flex justify-between text-stone-600">
            <dt>Authorized on your card</dt>
            <dd>{formatMoney(payment.authorized)}</dd>
          </div>
        ) : null}
        {payment.refunded.amount > 0 ? (
          <div className="flex justify-between text-stone-600">
            <dt>Refunded</dt>
            <dd>{formatMoney(payment.refunded)}</dd>
          </div>
        ) : null}
      </OrderLinesSummary>
    </Section>
  );
}
