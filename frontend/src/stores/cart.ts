import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

import type { Money } from '@/lib/money';

/** The API's limits per order line (commerce/validation.py). */
export const MAX_QUANTITY = 10; // placeOrder refuses more of one product (commerce/validation.py)
export const MAX_LINES = 50;

export type CartItem = {
  productId: string;
  sku: string;
  name: string;
  imageUrl: string;
  /** The catalog price when added; the order is priced by the server. */
  unitPrice: Money;
  quantity: number;
};

export type CartProduct = Omit<CartItem, 'quantity'>;

type CartState = {
  items: CartItem[];
  /** Adds to the line of the same product; returns the quantity the line ends with. */
  add: (product: CartProduct, quantity?: number) => number;
  setQuantity: (productId: string, quantity: number) => void;
  remove: (productId: string) => void;
  clear: () => void;
};

export const CART_STORAGE_KEY = 'trailhead.cart.v1';

const clampQuantity = (quantity: number): number =>
  Math.min(MAX_QUANTITY, Math.max(1, Math.floor(Number.isFinite(quantity) ? quantity : 1)));

export const useCart = create<CartState>()(
  persist(
    (set, get) => ({
      items: [],
      add: (product, quantity = 1) => {
        const existing = get().items.find((item) => item.productId === product.productId);
        const next = clampQuantity((existing?.quantity ?? 0) + quantity);
        if (existing) {
          set({ items: get().items.map((item) => (item === existing ? { ...item, ...product, quantity: next } : item)) });
        } else if (get().items.length < MAX_LINES) {
          set({ items: [...get().items, { ...product, quantity: next }] });
        } else {
          return 0;
        }
        return next;
      },
      setQuantity: (productId, quantity) => {
        if (quantity <= 0) {
          get().remove(productId);
          return;
        }
        set({
          items: get().items.map((item) =>
            item.productId === productId ? { ...item, quantity: clampQuantity(quantity) } : item,
          ),
        });
      },
      remove: (productId) => set({ items: get().items.filter((item) => item.productId !== productId) }),
      clear: () => set({ items: [] }),
    }),
    {
      name: CART_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (state) => ({ items: state.items }),
    },
  ),
);

export const selectItemCount = (state: { items: CartItem[] }): number =>
  state.items.reduce((count, item) => count + item.quantity, 0);

/**
 * The sum of the lines, or null for an empty cart. Lines of another currency than the first are not added.
 * A function of the items, not a store selector: a selector must not build a new object on every call.
 */
export const cartSubtotal = (items: readonly CartItem[]): Money | null => {
  const first = items[0];
  if (!first) return null;
  const amount = items
    .filter((item) => item.unitPrice.currency === first.unitPrice.currency)
    .reduce((sum, item) => sum + item.unitPrice.amount * item.quantity, 0);
  return { amount, currency: first.unitPrice.currency };
};

/** Another tab changed the cart: take its version, so two tabs never overwrite each other's cart. */
export function syncCartAcrossTabs(): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === CART_STORAGE_KEY) void useCart.persist.rehydrate();
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
