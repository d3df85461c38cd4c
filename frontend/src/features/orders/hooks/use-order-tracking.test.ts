import { act, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { OrderStatus } from '@/gql/graphql';
import { mockGraphql } from '@/testing/graphql-mock';
import { renderHookWithProviders } from '@/testing/render';

import { DEFAULT_INTERVAL_MS, FAST_INTERVAL_MS } from '../lib/poll-schedule';
import { useOrderTracking } from './use-order-tracking';

const money = { amount: 0, currency: 'USD' };
const event = (id: string, status: OrderStatus | null, kind = status ?? 'STEP_SUCCEEDED') => ({
  id,
  at: '2026-11-24T10:00:00.000Z',
  kind,
  message: kind,
  status,
  step: null,
  attempt: null,
});
const payment = { status: 'AUTHORIZED', failureReason: null, authorized: money, captured: money, refunded: money };
const order = (status: OrderStatus) => ({
  id: 'ord_1',
  email: 'ada@example.com',
  status,
  createdAt: '2026-11-24T10:00:00.000Z',
  failureReason: null,
  lines: [],
  subtotal: money,
  shipping: money,
  total: money,
  shippingAddress: { name: 'Ada', line1: '1 Way', line2: '', city: 'Austin', region: '', postalCode: '78701', country: 'US' },
  payment,
  shipments: [],
  timeline: [event('e1', 'PENDING_PAYMENT'), event('e2', status)],
});
const update = (status: OrderStatus, terminal: boolean, events: ReturnType<typeof event>[]) => ({
  status,
  terminal,
  cursor: events.at(-1)?.id ?? null,
  failureReason: null,
  payment,
  shipments: [],
  events,
});

describe('useOrderTracking', () => {
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());

  it('polls after the last event seen and stops at a terminal status', async () => {
    const answers = [
      update('RESERVED', false, [event('e3', 'RESERVED')]),
      update('SHIPPED', false, [event('e4', 'SHIPPED')]),
      update('FULFILLED', true, [event('e5', 'FULFILLED')]),
    ];
    const api = mockGraphql({
      OrderDetail: () => ({ order: order('AUTHORIZED') }),
      OrderUpdates: () => ({ orderUpdates: answers.shift() }),
    });

    const { result } = renderHookWithProviders(() => useOrderTracking('ord_1', 'tok'));
    await waitFor(() => expect(result.current.order?.status).toBe('AUTHORIZED'));
    expect(result.current.live).toBe(true);

    await act(() => vi.advanceTimersByTimeAsync(DEFAULT_INTERVAL_MS * 3));
    await waitFor(() => expect(result.current.order?.status).toBe('FULFILLED'));
    expect(result.current.live).toBe(false);
    expect(result.current.order?.timeline.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(api.calls('OrderUpdates').map((variables) => variables.after)).toEqual(['e2', 'e3', 'e4']);

    await act(() => vi.advanceTimersByTimeAsync(DEFAULT_INTERVAL_MS * 5));
    expect(api.calls('OrderUpdates')).toHaveLength(3);
  });

  it('does not poll an order that is already terminal', async () => {
    const api = mockGraphql({ OrderDetail: () => ({ order: order('CANCELLED') }), OrderUpdates: () => ({ orderUpdates: null }) });
    const { result } = renderHookWithProviders(() => useOrderTracking('ord_1', 'tok'));
    await waitFor(() => expect(result.current.order?.status).toBe('CANCELLED'));
    await act(() => vi.advanceTimersByTimeAsync(DEFAULT_INTERVAL_MS * 3));
    expect(api.calls('OrderUpdates')).toHaveLength(0);
    expect(result.current.live).toBe(false);
  });

  it('polls every second right after payment', async () => {
    const api = mockGraphql({
      OrderDetail: () => ({ order: order('AUTHORIZED') }),
      OrderUpdates: () => ({ orderUpdates: update('AUTHORIZED', false, []) }),
    });
    const { result } = renderHookWithProviders(() => useOrderTracking('ord_1', 'tok', Date.now() + 60_000));
    await waitFor(() => expect(result.current.order).not.toBeNull());
    await act(() => vi.advanceTimersByTimeAsync(FAST_INTERVAL_MS * 3 + 100));
    expect(api.calls('OrderUpdates').length).toBeGreaterThanOrEqual(3);
  });

  it('reports an unknown order or a wrong token as not found, without polling', async () => {
    const api = mockGraphql({ OrderDetail: () => ({ order: null }) });
    const { result } = renderHookWithProviders(() => useOrderTracking('ord_x', 'bad'));
    await waitFor(() => expect(result.current.notFound).toBe(true));
    await act(() => vi.advanceTimersByTimeAsync(DEFAULT_INTERVAL_MS * 2));
    expect(api.calls('OrderUpdates')).toHaveLength(0);
  });
});
