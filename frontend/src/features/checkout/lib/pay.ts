import type { PayOrderMutation } from '@/gql/graphql';

type Payload = PayOrderMutation['payOrder'];
/** What could not be held: the line's SKU, the units ordered and those left for sale. */
export type Shortage = NonNullable<Payload['shortage']>;

/** The parts of Stripe.js the payment needs, so tests can hand in a fake. */
export type CardPayments = {
  createPaymentMethod: () => Promise<{ paymentMethodId: string } | { error: string }>;
  handleNextAction: (clientSecret: string) => Promise<{ error: string | null }>;
};

/** Calls payOrder; a transport failure (network, 5xx) rejects. */
export type PayOrder = (paymentMethodId: string | null) => Promise<Payload>;

export type PaymentResult =
  | { kind: 'authorized' }
  /** Stripe's answer is not final yet; the order page will follow it. */
  | { kind: 'pending' }
  | { kind: 'declined'; reason: string }
  /** The card details are incomplete or wrong: fix them and try again. */
  | { kind: 'card-error'; message: string }
  /** The items could not be held (sold out meanwhile): the card was not touched. */
  | { kind: 'out-of-stock'; message: string; shortage: Shortage | null }
  /** Too many of this shopper's orders hold stock unpaid: pay or cancel one, or wait (the message says until when). */
  | { kind: 'hold-limit'; message: string }
  /**
   * Refused before Stripe, for an instant: the stack's Stripe write budget is spent (PAYMENTS_BUSY, the hold kept:
   * `held`), or the stock was too contended to hold (STOCK_BUSY, nothing held). Send the same request again after
   * `retryAfterMs`: `paymentMethodId` is the one sent (null: the re-read after 3-D Secure).
   */
  | { kind: 'busy'; message: string; retryAfterMs: number; paymentMethodId: string | null; held: boolean }
  /** The order takes no payment (expired, cancelled, unknown). */
  | { kind: 'not-payable'; message: string }
  /** Nothing was decided (network, Stripe unavailable): the same card may be tried again. */
  | { kind: 'retry'; message: string };

const DECLINED_AUTHENTICATION = 'The card’s 3-D Secure authentication did not succeed.';

/** PAYMENTS_BUSY without a wait (an older API): the budget's windows are a tenth of a second. */
const BUSY_FALLBACK_MS = 100;

function fromErrors({ errors, shortage, retryAfterMs }: Payload, paymentMethodId: string | null): PaymentResult | null {
  const error = errors[0];
  if (!error) return null;
  switch (error.code) {
    case 'PAYMENTS_BUSY':
    case 'STOCK_BUSY':
      return {
        kind: 'busy',
        message: error.message,
        retryAfterMs: retryAfterMs ?? BUSY_FALLBACK_MS,
        paymentMethodId,
        held: error.code === 'PAYMENTS_BUSY',
      };
    case 'OUT_OF_STOCK':
      return { kind: 'out-of-stock', message: error.message, shortage: shortage ?? null };
    case 'PAYMENT_DECLINED':
      return { kind: 'declined', reason: error.message };
    case 'HOLD_LIMIT_REACHED':
      return { kind: 'hold-limit', message: error.message };
    case 'INVALID_PAYMENT_METHOD':
      return { kind: 'card-error', message: 'This card could not be used. Check the details and try again.' };
    case 'PAYMENT_NOT_ALLOWED':
    case 'NOT_FOUND':
      return { kind: 'not-payable', message: error.message };
    default:
      return { kind: 'retry', message: error.message };
  }
}

/**
 * Card → PaymentMethod (Stripe.js createPaymentMethod: the card never reaches our API) → payOrder, which
 * confirms the order's intent with it. When Stripe asks for 3-D Secure, Stripe.js handleNextAction runs it
 * and finishes the confirmation; payOrder is then asked again, without a PaymentMethod, to record the result.
 * Each try makes a new PaymentMethod: another card after a decline is a new attempt on the same intent.
 *
 * `resend` is a request refused PAYMENTS_BUSY or STOCK_BUSY, sent again as it was: the API refused it before calling Stripe
 * (commerce/payment_budget.py), so its PaymentMethod was never confirmed and serves again; null resends the re-read.
 */
export async function payWithCard(card: CardPayments, payOrder: PayOrder, resend?: { paymentMethodId: string | null }): Promise<PaymentResult> {
  let paymentMethodId: string | null;
  if (resend) {
    paymentMethodId = resend.paymentMethodId;
  } else {
    const created = await card.createPaymentMethod();
    if ('error' in created) return { kind: 'card-error', message: created.error };
    paymentMethodId = created.paymentMethodId;
  }

  let payload = await payOrder(paymentMethodId);
  const refused = fromErrors(payload, paymentMethodId);
  if (refused) return refused;

  if (payload.outcome === 'REQUIRES_ACTION') {
    if (!payload.clientSecret) return { kind: 'retry', message: 'The payment needs authentication but Stripe sent no secret.' };
    const confirmation = await card.handleNextAction(payload.clientSecret);
    // Stripe.js's message here is technical ("The provided PaymentMethod has failed authentication.").
    if (confirmation.error) return { kind: 'declined', reason: DECLINED_AUTHENTICATION };
    payload = await payOrder(null);
    const refusedAfter = fromErrors(payload, null);
    if (refusedAfter) return refusedAfter;
    if (payload.outcome === 'REQUIRES_ACTION') return { kind: 'declined', reason: DECLINED_AUTHENTICATION };
  }

  switch (payload.outcome) {
    case 'AUTHORIZED':
      return { kind: 'authorized' };
    case 'DECLINED':
      return { kind: 'declined', reason: payload.declineReason ?? 'Your card was declined.' };
    case 'PENDING':
      return { kind: 'pending' };
    case 'CLOSED':
      return { kind: 'not-payable', message: 'This order’s payment is already closed.' };
    default:
      return { kind: 'retry', message: 'The payment service gave no answer. Try again.' };
  }
}
