import { beforeEach, describe, expect, it } from 'vitest';

import { CART_STORAGE_KEY, MAX_QUANTITY, cartSubtotal, selectItemCount, useCart, type CartProduct } from './cart';

const mug: CartProduct = {
  productId: 'p-mug',
  sku: 'MUG-EN-11',
  name: 'Enamel camp mug',
  imageUrl: '/images/products/p-mug.svg',
  unitPrice: { amount: 1800, currency: 'USD' },
};
const lamp: CartProduct = { ...mug, productId: 'p-headlamp', sku: 'LMP-HD-08', name: 'Headlamp', unitPrice: { amount: 4900, currency: 'USD' } };

const cart = () => useCart.getState();

describe('the cart store', () => {
  beforeEach(() => {
    localStorage.clear();
    cart().clear();
  });

  it('adds a product as a line and adding it again raises the quantity', () => {
    cart().add(mug);
    cart().add(mug, 2);
    expect(cart().items).toEqual([{ ...mug, quantity: 3 }]);
  });

  it('keeps quantities between 1 and the API maximum', () => {
    cart().add(mug, 500);
    expect(cart().items[0]?.quantity).toBe(MAX_QUANTITY);
    cart().setQuantity('p-mug', 2.7);
    expect(cart().items[0]?.quantity).toBe(2);
  });

  it('removes a line when its quantity is set to zero, or when removed', () => {
    cart().add(mug);
    cart().add(lamp);
    cart().setQuantity('p-mug', 0);
    expect(cart().items.map((item) => item.productId)).toEqual(['p-headlamp']);
    cart().remove('p-headlamp');
    expect(cart().items).toEqual([]);
  });

  it('counts units and sums the subtotal in cents', () => {
    cart().add(mug, 2);
    cart().add(lamp);
    expect(selectItemCount(cart())).toBe(3);
    expect(cartSubtotal(cart().items)).toEqual({ amount: 2 * 1800 + 4900, currency: 'USD' });
  });

  it('has no subtotal when empty', () => {
    expect(cartSubtotal([])).toBeNull();
  });

  it('persists to localStorage and comes back from it', async () => {
    cart().add(mug, 2);
    const stored = JSON.parse(localStorage.getItem(CART_STORAGE_KEY) ?? '{}') as { state: { items: unknown[] } };
    expect(stored.state.items).toEqual([{ ...mug, quantity: 2 }]);

    // A reload: memory starts empty, storage still holds what was written.
    useCart.setState({ items: [] });
    localStorage.setItem(CART_STORAGE_KEY, JSON.stringify(stored));
    await useCart.persist.rehydrate();
    expect(cart().items).toEqual([{ ...mug, quantity: 2 }]);
  });
});
