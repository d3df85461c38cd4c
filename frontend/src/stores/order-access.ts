import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

import type { Money } from '@/lib/money';

/**
 * The orders placed on this device with their access tokens. The API shows an order only with the
 * token placeOrder returned once (it stores only a hash), so this is how a shopper comes back to it.
 */
export type RememberedOrder = {
  orderId: string;
  accessToken: string;
  email: string;
  total: Money;
  placedAt: string;
};

type OrderAccessState = {
  orders: Record<string, RememberedOrder>;
  remember: (order: RememberedOrder) => void;
  forget: (orderId: string) => void;
};

export const useOrderAccess = create<OrderAccessState>()(
  persist(
    (set, get) => ({
      orders: {},
      remember: (order) => set({ orders: { ...get().orders, [order.orderId]: order } }),
      forget: (orderId) => {
        const { [orderId]: _forgotten, ...rest } = get().orders;
        set({ orders: rest });
      },
    }),
    { name: 'trailhead.orders.v1', version: 1, storage: createJSONStorage(() => localStorage) },
  ),
);

export const selectAccessToken =
  (orderId: string | undefined) =>
  (state: OrderAccessState): string | undefined =>
    orderId ? state.orders[orderId]?.accessToken : undefined;

/** Newest first. A function of the record, not a store selector (it builds a new array). */
export const newestFirst = (orders: Record<string, RememberedOrder>): RememberedOrder[] =>
  Object.values(orders).sort((a, b) => b.placedAt.localeCompare(a.placedAt));
