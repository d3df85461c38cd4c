import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { OrderStatus } from '@/gql/graphql';
import { manualClock } from '@/testing/clock';
import { mockGraphql } from '@/testing/graphql-mock';
import { renderWithProviders } from '@/testing/render';
import { useOrderAccess } from '@/stores/order-access';

import { PaymentStep } from './payment-step';

// A Stripe.js whose card Element is a plain div: the page's own logic runs, no script is loaded.
const stripe = vi.hoisted(() => ({
  createPaymentMethod: vi.fn(),
  handleNextAction: vi.fn(),
}));
vi.mock('@/lib/stripe', () => ({
  getStripe: () =>
    Promise.resolve({
      ...stripe,
      elements: () => ({ create: () => ({ mount: vi.fn(), on: vi.fn(), destroy: vi.fn(), clear: vi.fn(), focus: vi.fn() }) }),
    }),
}));

const clock = { now: () => Date.parse('2026-12-05T14:22:00Z'), timeZone: 'UTC' };
const HELD_UNTIL = '2026-12-05T14:32:00+00:00';
const money = (amount: number) => ({ amount, currency: 'USD' });

const order = (status: OrderStatus, heldUntil: string | null) => ({
  id: 'ord_1',
  email: 'ada@example.com',
  status,
  lines: [{ productId: 'p-sun-hat', sku: 'HAT-SN-05', name: 'Wide-brim sun hat', quantity: 1, unitPrice: money(3200), total: money(3200) }],
  subtotal: money(3200),
  shipping: money(599),
  total: money(3799),
  shippingAddress: { name: 'Ada', line1: '1 Way', line2: '', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
  payment: { status: status === 'PAYMENT_FAILED' ? 'FAILED' : 'NONE', failureReason: status === 'PAYMENT_FAILED' ? 'Your card was declined.' : null },
  heldUntil,
});

const payload = (fields: Record<string, unknown>) => ({
  outcome: null,
  clientSecret: null,
  declineReason: null,
  retryAfterMs: null,
  shortage: null,
  errors: [],
  order: null,
  ...fields,
});

function renderPayment() {
  useOrderAccess.getState().remember({ orderId: 'ord_1', accessToken: 'tok', email: 'ada@example.com', total: money(3799), placedAt: '2026-12-05T14:20:00Z' });
  renderWithProviders(<PaymentStep orderId="ord_1" onPaid={vi.fn()} />, { clock });
}

const holdStatus = async () => within(await screen.findByTestId('hold-notice')).getByRole('status');
const payButton = () => screen.findByRole('button', { name: 'Pay $37.99' });

describe('PaymentStep and the hold on the order’s items', () => {
  beforeEach(() => {
    stripe.createPaymentMethod.mockResolvedValue({ paymentMethod: { id: 'pm_1' } });
  });

  it('shows the hold as soon as the order has one, with what happens when it lapses', async () => {
    mockGraphql({ CheckoutOrder: () => ({ order: order('PENDING_PAYMENT', HELD_UNTIL) }) });
    renderPayment();
    await payButton();
    expect(await holdStatus()).toHaveTextContent('Your items are held for you until 14:32 (about 10 minutes left).');
    expect(screen.getByText('If the time runs out, we’ll try to hold them again when you pay — if they’re still in stock.')).toBeVisible();
  });

  it('says nothing of a hold before the first payment attempt', async () => {
    mockGraphql({ CheckoutOrder: () => ({ order: order('PENDING_PAYMENT', null) }) });
    renderPayment();
    await payButton();
    expect(screen.queryByTestId('hold-notice')).toBeNull();
  });

  it('after a declined card, the items stay held and another card is asked for', async () => {
    const answers = [order('PENDING_PAYMENT', null), order('PAYMENT_FAILED', HELD_UNTIL)];
    const api = mockGraphql({
      CheckoutOrder: () => ({ order: answers.length > 1 ? answers.shift() : answers[0] }),
      PayOrder: () => ({
        payOrder: payload({ errors: [{ field: 'paymentMethodId', code: 'PAYMENT_DECLINED', message: 'Your card was declined.' }] }),
      }),
    });
    renderPayment();
    await userEvent.click(await payButton());

    expect(await screen.findByRole('alert')).toHaveTextContent('Your card was declined. Try another card.');
    expect(await holdStatus()).toHaveTextContent('Your items stay held until 14:32 (about 10 minutes left) — try another card.');
    expect(await payButton()).toBeEnabled();
    expect(api.calls('PayOrder')).toEqual([{ orderId: 'ord_1', accessToken: 'tok', paymentMethodId: 'pm_1' }]);
  });

  it('takes the hold’s end from the payment’s answer', async () => {
    mockGraphql({
      CheckoutOrder: () => ({ order: order('PENDING_PAYMENT', null) }),
      PayOrder: () => ({ payOrder: payload({ outcome: 'DECLINED', declineReason: 'Insufficient funds.', order: { id: 'ord_1', status: 'PAYMENT_FAILED', heldUntil: HELD_UNTIL } }) }),
    });
    renderPayment();
    await userEvent.click(await payButton());
    expect(await holdStatus()).toHaveTextContent('Your items stay held until 14:32');
  });

  it('OUT_OF_STOCK names the item, leads back to the cart, and leaves no card form to submit', async () => {
    const api = mockGraphql({
      CheckoutOrder: () => ({ order: order('PENDING_PAYMENT', null) }),
      PayOrder: () => ({
        payOrder: payload({
          shortage: { sku: 'HAT-SN-05', requested: 1, available: 0 },
          errors: [{ field: 'lines', code: 'OUT_OF_STOCK', message: 'only 0 of HAT-SN-05 left, 1 wanted; your card was not charged' }],
        }),
      }),
    });
    renderPayment();
    await userEvent.click(await payButton());

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('We couldn’t hold your items');
    expect(alert).toHaveTextContent('“Wide-brim sun hat” is sold out.');
    expect(alert).toHaveTextContent('Your card was not charged.');
    expect(screen.getByRole('link', { name: 'Back to cart' })).toHaveAttribute('href', '/cart');
    expect(screen.queryByRole('button', { name: /^Pay / })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Card details' })).toBeNull();
    expect(screen.queryByTestId('hold-notice')).toBeNull();
    expect(api.calls('PayOrder')).toHaveLength(1);
  });

  it('an order already paid leaves for its page the way a payment made here does, once', async () => {
    // The payOrder answer makes urql re-read the order; seen paid, the page must still say "just paid".
    mockGraphql({ CheckoutOrder: () => ({ order: order('AUTHORIZED', null) }) });
    const onPaid = vi.fn();
    useOrderAccess.getState().remember({ orderId: 'ord_1', accessToken: 'tok', email: 'ada@example.com', total: money(3799), placedAt: '2026-12-05T14:20:00Z' });
    const view = renderWithProviders(<PaymentStep orderId="ord_1" onPaid={onPaid} />, { clock });
    await vi.waitFor(() => expect(onPaid).toHaveBeenCalledWith('ord_1'));
    view.rerender(<PaymentStep orderId="ord_1" onPaid={onPaid} />);
    expect(onPaid).toHaveBeenCalledTimes(1);
  });
});

describe('PaymentStep when payments are busy (PAYMENTS_BUSY: the hold kept, the card not charged)', () => {
  const busy = (retryAfterMs: number) =>
    payload({ retryAfterMs, errors: [{ field: null, code: 'PAYMENTS_BUSY', message: 'payments are busy; try again shortly' }] });
  const paid = payload({ outcome: 'AUTHORIZED', order: { id: 'ord_1', status: 'AUTHORIZED', heldUntil: HELD_UNTIL } });

  beforeEach(() => {
    stripe.createPaymentMethod.mockReset().mockResolvedValue({ paymentMethod: { id: 'pm_1' } });
    // Fake time also passes with real time (Testing Library waits on timeouts): waits are checked with a margin.
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.spyOn(Math, 'random').mockReturnValue(0);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function renderBusyPayment(onPaid = vi.fn()) {
    const time = manualClock('2026-12-05T14:22:00Z');
    useOrderAccess.getState().remember({ orderId: 'ord_1', accessToken: 'tok', email: 'ada@example.com', total: money(3799), placedAt: '2026-12-05T14:20:00Z' });
    renderWithProviders(<PaymentStep orderId="ord_1" onPaid={onPaid} />, { clock: time.clock });
    return { ...time, user: userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) }) };
  }

  /** The Pay button once Stripe's card Element is ready (before, it is disabled). */
  async function readyPayButton() {
    const button = await payButton();
    await waitFor(() => expect(button).toBeEnabled());
    return button;
  }

  it('sends the same PaymentMethod again once retryAfterMs has passed, counting down meanwhile, and pays', async () => {
    const answers = [busy(2_500), paid];
    const api = mockGraphql({ CheckoutOrder: () => ({ order: order('PENDING_PAYMENT', null) }), PayOrder: () => ({ payOrder: answers.shift() }) });
    const onPaid = vi.fn();
    const { advance, user } = renderBusyPayment(onPaid);

    await user.click(await readyPayButton());
    const status = await screen.findByText('Payments are busy — trying again in 3 s.');
    expect(status).toHaveAttribute('aria-live', 'polite');
    expect(screen.getByText('Your items are held and your card was not charged.')).toBeVisible();

    await advance(1_000);
    await waitFor(() => expect(status).toHaveTextContent('Payments are busy — trying again in 2 s.'));
    await advance(1_000);
    expect(api.calls('PayOrder')).toHaveLength(1);
    await advance(500);

    await waitFor(() => expect(onPaid).toHaveBeenCalledWith('ord_1'));
    expect(api.calls('PayOrder').map((call) => call.paymentMethodId)).toEqual(['pm_1', 'pm_1']);
    expect(stripe.createPaymentMethod).toHaveBeenCalledTimes(1);
  });

  it('after STOCK_BUSY says nothing is held yet, and pays on the automatic retry', async () => {
    const stockBusy = payload({
      retryAfterMs: 1_000,
      errors: [{ field: 'lines', code: 'STOCK_BUSY', message: 'many shoppers are buying these items right now' }],
    });
    const answers = [stockBusy, paid];
    const api = mockGraphql({ CheckoutOrder: () => ({ order: order('PENDING_PAYMENT', null) }), PayOrder: () => ({ payOrder: answers.shift() }) });
    const onPaid = vi.fn();
    const { advance, user } = renderBusyPayment(onPaid);

    await user.click(await readyPayButton());
    await screen.findByText('Many shoppers are buying these items — trying again in 1 s.');
    expect(screen.getByText('Nothing is held yet and your card was not charged.')).toBeVisible();
    expect(screen.queryByText('Your items are held and your card was not charged.')).toBeNull();

    await advance(1_000);

    await waitFor(() => expect(onPaid).toHaveBeenCalledWith('ord_1'));
    expect(api.calls('PayOrder').map((call) => call.paymentMethodId)).toEqual(['pm_1', 'pm_1']);
  });

  it('stops after five automatic tries, says so, and tries again when asked', async () => {
    const api = mockGraphql({ CheckoutOrder: () => ({ order: order('PENDING_PAYMENT', null) }), PayOrder: () => ({ payOrder: busy(100) }) });
    const { advance, user } = renderBusyPayment();

    await user.click(await readyPayButton());
    await screen.findByText('Payments are busy — trying again in 1 s.');
    for (let tries = 1; tries <= 5; tries += 1) {
      await advance(100);
      await waitFor(() => expect(api.calls('PayOrder').length).toBeGreaterThanOrEqual(1 + tries));
    }

    expect(await screen.findByText('Payments are still busy, so we stopped trying for now.')).toBeVisible();
    expect(screen.getByText('Your items are held and your card was not charged. Try again in a moment.')).toBeVisible();
    await advance(60_000);
    expect(api.calls('PayOrder')).toHaveLength(6);

    await user.click(screen.getByRole('button', { name: 'Try now' }));
    await waitFor(() => expect(api.calls('PayOrder')).toHaveLength(7));
    expect(new Set(api.calls('PayOrder').map((call) => call.paymentMethodId))).toEqual(new Set(['pm_1']));
    expect(stripe.createPaymentMethod).toHaveBeenCalledTimes(1);
  });

  it('Try now during the countdown sends at once, and the automatic try it replaces does not follow', async () => {
    const answers = [busy(2_500), busy(2_500), paid];
    const api = mockGraphql({ CheckoutOrder: () => ({ order: order('PENDING_PAYMENT', null) }), PayOrder: () => ({ payOrder: answers.shift() }) });
    const onPaid = vi.fn();
    const { advance, user } = renderBusyPayment(onPaid);

    await user.click(await readyPayButton());
    await user.click(await screen.findByRole('button', { name: 'Try now' }));
    await waitFor(() => expect(api.calls('PayOrder')).toHaveLength(2));
    await screen.findByText('Payments are busy — trying again in 3 s.');
    await advance(2_000);
    expect(api.calls('PayOrder')).toHaveLength(2);
    await advance(500);
    await waitFor(() => expect(onPaid).toHaveBeenCalledWith('ord_1'));
    expect(api.calls('PayOrder')).toHaveLength(3);
  });
});

