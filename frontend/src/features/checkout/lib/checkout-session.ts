import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

import { randomId } from '@/lib/ids';

import { emptyShippingForm, type ShippingForm } from './address-validation';

/**
 * One checkout in this tab, kept in sessionStorage so a reload loses nothing:
 * - the form as typed;
 * - the idempotency key of the placeOrder request being made, with a fingerprint of what it orders:
 *   sending the same request again (a retry, a double click, a reload mid-request) reuses the key and so
 *   gets the same order back, while a changed cart or address gets a fresh key;
 * - the order placed for that fingerprint, so going back from payment and on again does not order twice.
 */
type CheckoutSession = {
  form: ShippingForm;
  idempotencyKey: string | null;
  keyFingerprint: string | null;
  placed: { orderId: string; fingerprint: string } | null;
  setForm: (form: ShippingForm) => void;
  /** The key for a request with this fingerprint: the pending one if it is the same request, else a new one. */
  keyFor: (fingerprint: string) => string;
  /** The server refused the key (used before for something else): take a new one for this fingerprint. */
  rotateKey: (fingerprint: string) => string;
  markPlaced: (orderId: string, fingerprint: string) => void;
  /** The order is paid: the next checkout starts from scratch (the address stays for convenience). */
  finish: () => void;
};

export const CHECKOUT_STORAGE_KEY = 'trailhead.checkout.v1';

export const useCheckoutSession = create<CheckoutSession>()(
  persist(
    (set, get) => ({
      form: emptyShippingForm,
      idempotencyKey: null,
      keyFingerprint: null,
      placed: null,
      setForm: (form) => set({ form }),
      keyFor: (fingerprint) => {
        const { idempotencyKey, keyFingerprint } = get();
        if (idempotencyKey && keyFingerprint === fingerprint) return idempotencyKey;
        return get().rotateKey(fingerprint);
      },
      rotateKey: (fingerprint) => {
        const key = randomId();
        set({ idempotencyKey: key, keyFingerprint: fingerprint });
        return key;
      },
      markPlaced: (orderId, fingerprint) =>
        set({ placed: { orderId, fingerprint }, idempotencyKey: null, keyFingerprint: null }),
      finish: () => set({ placed: null, idempotencyKey: null, keyFingerprint: null }),
    }),
    {
      name: CHECKOUT_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => sessionStorage),
      partialize: ({ form, idempotencyKey, keyFingerprint, placed }) => ({ form, idempotencyKey, keyFingerprint, placed }),
    },
  ),
);

/** What a placeOrder request orders, as a stable string: equal fingerprints mean the same request. */
export function orderFingerprint(email: string, address: Record<string, string>, lines: readonly { productId: string; quantity: number }[]): string {
  const sortedLines = [...lines].sort((a, b) => a.productId.localeCompare(b.productId)).map((line) => [line.productId, line.quantity]);
  const sortedAddress = Object.keys(address)
    .sort()
    .map((key) => [key, address[key]]);
  return JSON.stringify([email.trim().toLowerCase(), sortedAddress, sortedLines]);
}
