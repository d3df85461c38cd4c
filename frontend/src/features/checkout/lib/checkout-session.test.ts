import { beforeEach, describe, expect, it } from 'vitest';

import { CHECKOUT_STORAGE_KEY, orderFingerprint, useCheckoutSession } from './checkout-session';

const session = () => useCheckoutSession.getState();
const address = { name: 'Ada', line1: '1 Way', city: 'Austin', postalCode: '78701', country: 'US', line2: '', region: '' };

describe('the checkout session', () => {
  beforeEach(() => {
    sessionStorage.clear();
    session().finish();
  });

  it('reuses the idempotency key for the same request, so a retry cannot order twice', () => {
    const first = session().keyFor('A');
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(session().keyFor('A')).toBe(first);
  });

  it('takes a new key when the request changes', () => {
    const first = session().keyFor('A');
    expect(session().keyFor('B')).not.toBe(first);
  });

  it('keeps the key across a reload (sessionStorage) until the order is placed', async () => {
    const key = session().keyFor('A');
    // A reload: memory starts empty, sessionStorage still holds what was written.
    const stored = sessionStorage.getItem(CHECKOUT_STORAGE_KEY) ?? '';
    useCheckoutSession.setState({ idempotencyKey: null, keyFingerprint: null });
    sessionStorage.setItem(CHECKOUT_STORAGE_KEY, stored);
    await useCheckoutSession.persist.rehydrate();
    expect(session().idempotencyKey).toBe(key);
    expect(session().keyFor('A')).toBe(key);

    session().markPlaced('ord_1', 'A');
    expect(session().idempotencyKey).toBeNull();
    expect(session().placed).toEqual({ orderId: 'ord_1', fingerprint: 'A' });
    expect(session().keyFor('A')).not.toBe(key);
    expect(sessionStorage.getItem(CHECKOUT_STORAGE_KEY)).toContain('ord_1');
  });

  it('fingerprints ignore line order and email case', () => {
    const lines = [
      { productId: 'p-mug', quantity: 2 },
      { productId: 'p-headlamp', quantity: 1 },
    ];
    expect(orderFingerprint('Ada@Example.com', address, lines)).toBe(orderFingerprint('ada@example.com', address, [...lines].reverse()));
    expect(orderFingerprint('ada@example.com', address, lines)).not.toBe(
      orderFingerprint('ada@example.com', address, [{ productId: 'p-mug', quantity: 3 }]),
    );
  });
});
