import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { OrderStatus } from '@/gql/graphql';
import { manualClock } from '@/testing/clock';
import { mockGraphql } from '@/testing/graphql-mock';
import { renderWithProviders } from '@/testing/render';

import { DEFAULT_INTERVAL_MS } from '../lib/poll-schedule';
import { OrderTracking } from './order-tracking';

const money = { amount: 0, currency: 'USD' };
const payment = { status: 'NONE', failureReason: null, authorized: money, captured: money, refunded: money };
const placed = { id: 'e1', at: '2026-12-05T14:20:00.000Z', kind: 'ORDER_PLACED', message: 'Order placed', status: 'PENDING_PAYMENT', step: null, attempt: null };
const order = (status: OrderStatus, heldUntil: string | null) => ({
  id: 'ord_1',
  email: 'ada@example.com',
  status,
  createdAt: '2026-12-05T14:20:00.000Z',
  failureReason: null,
  heldUntil,
  lines: [],
  subtotal: money,
  shipping: money,
  total: money,
  shippingAddress: { name: 'Ada', line1: '1 Way', line2: '', city: 'Austin', region: '', postalCode: '78701', country: 'US' },
  payment,
  shipments: [],
  timeline: [placed],
});
const update = (status: OrderStatus, heldUntil: string | null) => ({
  status,
  terminal: false,
  cursor: 'e1',
  failureReason: null,
  heldUntil,
  payment,
  shipments: [],
  events: [],
});

const HELD_UNTIL = '2026-12-05T14:32:00+00:00';
const holdStatus = async () => within(await screen.findByTestId('hold-notice')).getByRole('status');

describe('OrderTracking and the hold on an unpaid order’s items', () => {
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());

  it('shows the live hold while the order awaits payment, then that it ended', async () => {
    mockGraphql({ OrderDetail: () => ({ order: order('PENDING_PAYMENT', HELD_UNTIL) }), OrderUpdates: () => ({ orderUpdates: update('PENDING_PAYMENT', HELD_UNTIL) }) });
    const { clock, advance } = manualClock('2026-12-05T14:22:00Z');
    renderWithProviders(<OrderTracking orderId="ord_1" accessToken="tok" />, { clock });

    const status = await holdStatus();
    expect(status).toHaveTextContent('Your items are held for you until 14:32 (about 10 minutes left).');
    expect(screen.getByText('If the time runs out, we’ll try to hold them again when you pay — if they’re still in stock.')).toBeVisible();

    await advance(10 * 60_000);
    expect(status).toHaveTextContent('Your hold has ended; paying will hold the items again if they’re still in stock.');
    expect(screen.getByRole('link', { name: 'Complete payment' })).toBeVisible();
  });

  it('says a hold that lapsed before the page opened has ended', async () => {
    mockGraphql({ OrderDetail: () => ({ order: order('PENDING_PAYMENT', HELD_UNTIL) }), OrderUpdates: () => ({ orderUpdates: update('PENDING_PAYMENT', HELD_UNTIL) }) });
    const { clock } = manualClock('2026-12-05T14:50:00Z');
    renderWithProviders(<OrderTracking orderId="ord_1" accessToken="tok" />, { clock });
    expect(await holdStatus()).toHaveTextContent('Your hold has ended; paying will hold the items again if they’re still in stock.');
  });

  it('follows a hold renewed elsewhere (another tab paid and was declined)', async () => {
    const renewed = '2026-12-05T14:40:00+00:00';
    mockGraphql({ OrderDetail: () => ({ order: order('PENDING_PAYMENT', HELD_UNTIL) }), OrderUpdates: () => ({ orderUpdates: update('PAYMENT_FAILED', renewed) }) });
    const { clock, advance } = manualClock('2026-12-05T14:22:00Z');
    renderWithProviders(<OrderTracking orderId="ord_1" accessToken="tok" />, { clock });
    await holdStatus();

    await advance(DEFAULT_INTERVAL_MS);
    await waitFor(async () => expect(await holdStatus()).toHaveTextContent('Your items stay held until 14:40 (about 18 minutes left) — try another card.'));
    expect(screen.getByRole('link', { name: 'Pay with another card' })).toBeVisible();
  });

  it('says nothing of holds once the order is paid', async () => {
    mockGraphql({ OrderDetail: () => ({ order: order('AUTHORIZED', null) }), OrderUpdates: () => ({ orderUpdates: update('AUTHORIZED', null) }) });
    const { clock } = manualClock('2026-12-05T14:22:00Z');
    renderWithProviders(<OrderTracking orderId="ord_1" accessToken="tok" />, { clock });
    await screen.findByRole('heading', { name: 'Order ord_1' });
    expect(screen.queryByTestId('hold-notice')).toBeNull();
  });
});
