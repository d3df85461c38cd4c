import { useEffect, useEffectEvent, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useClient, useQuery } from 'urql';

import { HoldNotice } from '@/components/hold-notice';
import { OrderLinesSummary } from '@/components/order-lines-summary';
import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import type { CheckoutOrderQuery as CheckoutOrderResult } from '@/gql/graphql';
import { useClock } from '@/lib/clock';
import { laterHold } from '@/lib/hold';
import { formatMoney } from '@/lib/money';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useCart } from '@/stores/cart';
import { selectAccessToken, useOrderAccess } from '@/stores/order-access';

import { CheckoutOrderQuery } from '../api/get-checkout-order';
import { PayOrderMutation } from '../api/pay-order';
import { AUTOMATIC_RETRIES, busyRetryDelay } from '../lib/busy-retry';
import { useCheckoutSession } from '../lib/checkout-session';
import { payWithCard } from '../lib/pay';
import { shortageMessage } from '../lib/shortage';
import { cardPayments, clearCard, focusCard, useCardElement } from '../lib/use-card-element';
import { CardField } from './card-field';
import { CheckoutSteps } from './checkout-steps';
import { OutOfStock } from './out-of-stock';
import { PaymentsBusy } from './payments-busy';

type CheckoutOrder = NonNullable<CheckoutOrderResult['order']>;

const PAID = new Set(['AUTHORIZED', 'RESERVED', 'CAPTURED', 'SHIPPED', 'FULFILLED', 'COMPENSATING', 'FAILED']);

/** Where the shopper goes once the payment is through: the order page, which polls fast for a while. */
export type OnPaid = (orderId: string) => void;

export function PaymentStep({ orderId, onPaid }: { orderId: string; onPaid: OnPaid }) {
  useDocumentTitle('Payment');
  const accessToken = useOrderAccess(selectAccessToken(orderId));
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CheckoutOrderQuery,
    variables: { id: orderId, accessToken: accessToken ?? '' },
    pause: !accessToken,
    requestPolicy: 'network-only',
  });

  if (!accessToken) {
    return (
      <EmptyState title="We can’t find this order on this device" action={<ButtonLink to="/cart">Back to cart</ButtonLink>}>
        Orders can be paid from the browser they were placed in.
      </EmptyState>
    );
  }
  if (fetching && !data) {
    return (
      <LoadingRegion label="Loading your order">
        <div className="flex flex-col gap-4">
          <Skeleton className="h-8 w-48" />
          <Skeleton className="h-40 w-full" />
        </div>
      </LoadingRegion>
    );
  }
  if (error && !data) {
    return (
      <Alert title="We could not load your order.">
        <Button variant="secondary" size="sm" className="mt-3" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Try again
        </Button>
      </Alert>
    );
  }
  const order = data?.order;
  if (!order) {
    return (
      <EmptyState title="Order not found" action={<ButtonLink to="/cart">Back to cart</ButtonLink>}>
        This order does not exist or this device has no access to it.
      </EmptyState>
    );
  }
  // A paid order on the payment page was paid from it: the payOrder answer makes urql re-read this order, and that
  // re-read can land before the form's own onPaid navigation, so this redirect says "just paid" too.
  if (PAID.has(order.status)) return <PaidAlready orderId={order.id} onPaid={onPaid} />;
  if (order.status !== 'PENDING_PAYMENT' && order.status !== 'PAYMENT_FAILED') {
    return <NotPayable order={order} />;
  }
  return (
    <PaymentForm order={order} accessToken={accessToken} onPaid={onPaid} onAttempted={() => refetch({ requestPolicy: 'network-only' })} />
  );
}

/** Leaves for the order page the way a payment made here does (onPaid), whichever of the two comes first. */
function PaidAlready({ orderId, onPaid }: { orderId: string; onPaid: OnPaid }) {
  const left = useRef(false);
  useEffect(() => {
    if (left.current) return;
    left.current = true;
    onPaid(orderId);
  }, [orderId, onPaid]);
  return null;
}

function NotPayable({ order }: { order: CheckoutOrder }) {
  const finish = useCheckoutSession((state) => state.finish);
  return (
    <EmptyState
      title="This order can no longer be paid"
      action={
        <ButtonLink to="/checkout" onClick={finish}>
          Start a new checkout
        </ButtonLink>
      }
    >
      Order {order.id} is {order.status.toLowerCase().replace('_', ' ')}. Your cart is still here: check out again to place a new order.
    </EmptyState>
  );
}

/**
 * After PAYMENTS_BUSY: the request to send again (its PaymentMethod, never confirmed: the API refused before Stripe),
 * the automatic tries made since the shopper's last click, and when the next fires (clock ms; null: none will).
 */
type Busy = { paymentMethodId: string | null; retries: number; retryAt: number | null; held: boolean };

type PaymentFormProps = {
  order: CheckoutOrder;
  accessToken: string;
  onPaid: OnPaid;
  /** A payOrder attempt ended without payment: read the order again (its status, its hold). */
  onAttempted: () => void;
};

function PaymentForm({ order, accessToken, onPaid, onAttempted }: PaymentFormProps) {
  const client = useClient();
  const clock = useClock();
  const navigate = useNavigate();
  const container = useRef<HTMLDivElement>(null);
  const element = useCardElement(container);
  const [submitting, setSubmitting] = useState(false);
  const inFlight = useRef(false);
  const [problem, setProblem] = useState<{ title: string; detail: string } | null>(
    order.status === 'PAYMENT_FAILED' && order.payment.failureReason
      ? { title: 'Your last card was declined.', detail: `${order.payment.failureReason} Try another card.` }
      : null,
  );
  // Each payOrder takes or renews the hold: its answer's end, or the order's when read again, whichever is later.
  const [heldFromPayment, setHeldFromPayment] = useState<string | null>(null);
  const [declined, setDeclined] = useState(order.status === 'PAYMENT_FAILED');
  const [soldOut, setSoldOut] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy | null>(null);
  const heldUntil = laterHold(order.heldUntil, heldFromPayment);
  const clearCart = useCart((state) => state.clear);
  const finish = useCheckoutSession((state) => state.finish);

  /** Pays with the card, or `resend`s the request PAYMENTS_BUSY refused (`retries`: automatic tries made since the click). */
  const pay = async (resend?: { paymentMethodId: string | null; retries: number }) => {
    if (inFlight.current || element.state.status !== 'ready') return;
    inFlight.current = true;
    setSubmitting(true);
    setProblem(null);
    // A resend keeps telling the shopper payments are busy, with no automatic try pending while it is under way.
    setBusy((current) => (resend && current ? { ...current, retryAt: null } : null));
    element.setCardError(null);
    try {
      const { stripe, card } = element.state;
      const result = await payWithCard(
        cardPayments(stripe, card),
        async (paymentMethodId) => {
          const response = await client.mutation(PayOrderMutation, { orderId: order.id, accessToken, paymentMethodId }).toPromise();
          if (!response.data) throw response.error ?? new Error('payOrder gave no answer');
          const heldNow = response.data.payOrder.order?.heldUntil;
          if (heldNow) setHeldFromPayment((held) => laterHold(held, heldNow));
          return response.data.payOrder;
        },
        resend,
      );
      if (result.kind !== 'busy') setBusy(null);
      switch (result.kind) {
        case 'authorized':
        case 'pending':
          // The cart became this order; an older order paid from its page leaves today's cart alone.
          if (useCheckoutSession.getState().placed?.orderId === order.id) {
            clearCart();
            finish();
          }
          toast.success(result.kind === 'authorized' ? 'Payment authorized. Thank you for your order!' : 'Payment submitted. We’ll confirm it shortly.');
          onPaid(order.id);
          return;
        case 'declined':
          setProblem({ title: 'Payment declined', detail: `${result.reason} Try another card.` });
          setDeclined(true);
          onAttempted();
          clearCard(card);
          focusCard(card);
          return;
        case 'card-error':
          element.setCardError(result.message);
          focusCard(card);
          return;
        case 'not-payable':
          toast.error(result.message);
          void navigate(`/orders/${order.id}`);
          return;
        case 'out-of-stock':
          // The hold comes before the card: nothing was charged, and this order cannot be paid as it is.
          setSoldOut(shortageMessage(result.shortage, order.lines, result.message));
          onAttempted();
          return;
        case 'hold-limit':
          // Refused before the card: the shopper's other unpaid orders hold stock; the message says until when.
          setProblem({ title: 'Too many orders waiting for payment', detail: result.message });
          onAttempted();
          return;
        case 'busy': {
          // Stripe's write budget is spent for an instant (the hold kept), or the stock was too contended to hold:
          // the card is untouched, so the same request goes again by itself a few times, spread out, before the
          // shopper is asked to.
          const retries = resend?.retries ?? 0;
          const retryAt = retries < AUTOMATIC_RETRIES ? clock.now() + busyRetryDelay(result.retryAfterMs, retries + 1) : null;
          setBusy({ paymentMethodId: result.paymentMethodId, retries, retryAt, held: result.held });
          // The hold was taken or renewed before the refusal: read its end once, not at every automatic try.
          if (retries === 0) onAttempted();
          return;
        }
        case 'retry':
          setProblem({ title: 'The payment did not go through.', detail: `${result.message} You can try again.` });
          onAttempted();
          return;
      }
    } catch (error) {
      console.error(error);
      setBusy(null);
      setProblem({
        title: 'We could not confirm your payment.',
        detail: 'Check your connection and try again. You will not be charged twice for this order.',
      });
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void pay();
  };

  const retryBusy = useEffectEvent((pending: Busy) => void pay({ paymentMethodId: pending.paymentMethodId, retries: pending.retries + 1 }));
  useEffect(() => {
    if (!busy || busy.retryAt === null) return;
    const timer = window.setTimeout(() => retryBusy(busy), Math.max(0, busy.retryAt - clock.now()));
    return () => window.clearTimeout(timer);
  }, [busy, clock]);

  const address = order.shippingAddress;
  return (
    <div className="flex flex-col gap-6">
      <CheckoutSteps current="Payment" />
      <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
        <form noValidate onSubmit={onSubmit} className="flex flex-col gap-6" aria-labelledby="payment-title">
          <h1 id="payment-title" className="text-2xl font-bold tracking-tight">
            Payment
          </h1>
          <section aria-labelledby="ship-to-title" className="rounded-lg border border-stone-200 bg-white p-4 text-sm">
            <div className="flex items-start justify-between gap-4">
              <div>
                <h2 id="ship-to-title" className="font-semibold">
                  Shipping to
                </h2>
                <p className="mt-1 text-stone-700">
                  {address.name}, {address.line1}
                  {address.line2 ? `, ${address.line2}` : ''}, {address.city}
                  {address.region ? `, ${address.region}` : ''} {address.postalCode}, {address.country}
                </p>
                <p className="text-stone-600">{order.email}</p>
              </div>
              <Link to="/checkout" className="shrink-0 text-emerald-800 underline">
                Change
              </Link>
            </div>
          </section>
          {soldOut ? (
            <OutOfStock message={soldOut} />
          ) : (
            <>
              {problem ? <Alert title={problem.title}>{problem.detail}</Alert> : null}
              <PaymentsBusy
                busy={busy}
                trying={submitting}
                onTryNow={() => busy && void pay({ paymentMethodId: busy.paymentMethodId, retries: 0 })}
              />
              <HoldNotice heldUntil={heldUntil} afterDecline={declined} />
              <CardField container={container} element={element} error={element.cardError} />
              <Button type="submit" size="lg" loading={submitting} loadingText="Processing payment…" disabled={element.state.status !== 'ready'}>
                Pay {formatMoney(order.total)}
              </Button>
            </>
          )}
          <p className="text-xs text-stone-500">
            Your card is authorized now and charged when your order is packed. Order {order.id}.
          </p>
        </form>
        <OrderTotals order={order} />
      </div>
    </div>
  );
}

function OrderTotals({ order }: { order: CheckoutOrder }) {
  return (
    <aside aria-labelledby="totals-title" className="h-fit rounded-lg border border-stone-200 bg-white p-5">
      <h2 id="totals-title" className="text-lg font-semibold">
        Order summary
      </h2>
      <div className="mt-4">
        <OrderLinesSummary lines={order.lines} subtotal={order.subtotal} shipping={order.shipping} total={order.total} />
      </div>
    </aside>
  );
}
