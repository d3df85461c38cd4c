// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';

import type { PayOrderMutation } from '@/gql/graphql';

import { payWithCard, type CardPayments } from './pay';

type Payload = PayOrderMutation['payOrder'];

const payload = (fields: Partial<Payload>): Payload => ({
  outcome: null,
  clientSecret: null,
  declineReason: null,
  retryAfterMs: null,
  shortage: null,
  errors: [],
  order: null,
  ...fields,
});

const card = (overrides: Partial<CardPayments> = {}): CardPayments => ({
  createPaymentMethod: vi.fn(() => Promise.resolve({ paymentMethodId: 'pm_1' })),
  handleNextAction: vi.fn(() => Promise.resolve({ error: null })),
  ...overrides,
});

describe('payWithCard', () => {
  it('pays with a PaymentMethod made from the card', async () => {
    const pay = vi.fn(() => Promise.resolve(payload({ outcome: 'AUTHORIZED' })));
    expect(await payWithCard(card(), pay)).toEqual({ kind: 'authorized' });
    expect(pay).toHaveBeenCalledWith('pm_1');
  });

  it('stops at a card error before calling the API', async () => {
    const pay = vi.fn();
    const result = await payWithCard(card({ createPaymentMethod: () => Promise.resolve({ error: 'Your card number is incomplete.' }) }), pay);
    expect(result).toEqual({ kind: 'card-error', message: 'Your card number is incomplete.' });
    expect(pay).not.toHaveBeenCalled();
  });

  it('reports a decline with its reason', async () => {
    const pay = () => Promise.resolve(payload({ outcome: 'DECLINED', declineReason: 'Your card was declined.' }));
    expect(await payWithCard(card(), pay)).toEqual({ kind: 'declined', reason: 'Your card was declined.' });
  });

  it('runs 3-D Secure only when asked, then asks the API again without a PaymentMethod', async () => {
    const pay = vi
      .fn<(token: string | null) => Promise<Payload>>()
      .mockResolvedValueOnce(payload({ outcome: 'REQUIRES_ACTION', clientSecret: 'pi_1_secret_x' }))
      .mockResolvedValueOnce(payload({ outcome: 'AUTHORIZED' }));
    const stripe = card();
    expect(await payWithCard(stripe, pay)).toEqual({ kind: 'authorized' });
    expect(stripe.handleNextAction).toHaveBeenCalledWith('pi_1_secret_x');
    expect(pay.mock.calls).toEqual([['pm_1'], [null]]);
  });

  it('treats a failed 3-D Secure as a decline told in shoppers’ words', async () => {
    const pay = vi.fn(() => Promise.resolve(payload({ outcome: 'REQUIRES_ACTION', clientSecret: 's' })));
    const failed = { error: 'The provided PaymentMethod has failed authentication.' };
    const stripe = card({ handleNextAction: () => Promise.resolve(failed) });
    expect(await payWithCard(stripe, pay)).toEqual({ kind: 'declined', reason: 'The card’s 3-D Secure authentication did not succeed.' });
    expect(pay).toHaveBeenCalledTimes(1);
  });

  it('stops at OUT_OF_STOCK with what is short, before any 3-D Secure', async () => {
    const shortage = { sku: 'HAT-SN-05', requested: 2, available: 1 };
    const pay = vi.fn(() =>
      Promise.resolve(payload({ shortage, errors: [{ field: null, code: 'OUT_OF_STOCK', message: 'Only 1 of HAT-SN-05 left.' }] })),
    );
    const stripe = card();
    expect(await payWithCard(stripe, pay)).toEqual({ kind: 'out-of-stock', message: 'Only 1 of HAT-SN-05 left.', shortage });
    expect(pay).toHaveBeenCalledTimes(1);
    expect(stripe.handleNextAction).not.toHaveBeenCalled();
  });

  it('maps the API errors', async () => {
    const error = (code: Payload['errors'][number]['code']) => () =>
      Promise.resolve(payload({ errors: [{ field: null, code, message: 'm' }] }));
    expect(await payWithCard(card(), error('PAYMENT_DECLINED'))).toEqual({ kind: 'declined', reason: 'm' });
    expect((await payWithCard(card(), error('PAYMENT_NOT_ALLOWED'))).kind).toBe('not-payable');
    expect((await payWithCard(card(), error('INVALID_PAYMENT_METHOD'))).kind).toBe('card-error');
    expect((await payWithCard(card(), error('PAYMENT_PROVIDER_UNAVAILABLE'))).kind).toBe('retry');
    expect(await payWithCard(card(), error('HOLD_LIMIT_REACHED'))).toEqual({ kind: 'hold-limit', message: 'm' });
  });

  it('PAYMENTS_BUSY asks to send the same PaymentMethod again after the wait, and the resend makes no new one', async () => {
    const busy = payload({ retryAfterMs: 60, errors: [{ field: null, code: 'PAYMENTS_BUSY', message: 'payments are busy' }] });
    const pay = vi
      .fn<(token: string | null) => Promise<Payload>>()
      .mockResolvedValueOnce(busy)
      .mockResolvedValueOnce(payload({ outcome: 'AUTHORIZED' }));
    const stripe = card();

    const first = await payWithCard(stripe, pay);
    expect(first).toEqual({ kind: 'busy', message: 'payments are busy', retryAfterMs: 60, paymentMethodId: 'pm_1', held: true });
    expect(await payWithCard(stripe, pay, { paymentMethodId: 'pm_1' })).toEqual({ kind: 'authorized' });
    expect(stripe.createPaymentMethod).toHaveBeenCalledTimes(1);
    expect(pay.mock.calls).toEqual([['pm_1'], ['pm_1']]);
  });

  it('PAYMENTS_BUSY on the re-read after 3-D Secure resends the re-read, not the PaymentMethod', async () => {
    const pay = vi
      .fn<(token: string | null) => Promise<Payload>>()
      .mockResolvedValueOnce(payload({ outcome: 'REQUIRES_ACTION', clientSecret: 's' }))
      .mockResolvedValueOnce(payload({ errors: [{ field: null, code: 'PAYMENTS_BUSY', message: 'busy' }] }));
    const result = await payWithCard(card(), pay);
    expect(result).toEqual({ kind: 'busy', message: 'busy', retryAfterMs: 100, paymentMethodId: null, held: true });
  });

  it('STOCK_BUSY (the stock too contended to hold) is retried like PAYMENTS_BUSY, but nothing is held', async () => {
    const busy = payload({ retryAfterMs: 1000, errors: [{ field: 'lines', code: 'STOCK_BUSY', message: 'many shoppers' }] });
    const pay = vi.fn<(token: string | null) => Promise<Payload>>().mockResolvedValueOnce(busy);
    expect(await payWithCard(card(), pay)).toEqual({
      kind: 'busy',
      message: 'many shoppers',
      retryAfterMs: 1000,
      paymentMethodId: 'pm_1',
      held: false,
    });
  });
});
