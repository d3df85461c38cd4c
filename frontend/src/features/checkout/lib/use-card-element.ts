import type { Stripe, StripeCardElement, StripeCardElementChangeEvent } from '@stripe/stripe-js';
import { useEffect, useRef, useState, type RefObject } from 'react';

import { getStripe } from '@/lib/stripe';

import type { CardPayments } from './pay';

type CardElementState =
  | { status: 'loading' }
  | { status: 'failed' }
  | { status: 'ready'; stripe: Stripe; card: StripeCardElement };

const style = {
  base: {
    fontSize: '16px',
    color: '#1c1917',
    fontFamily: 'ui-sans-serif, system-ui, sans-serif',
    '::placeholder': { color: '#a8a29e' },
  },
  invalid: { color: '#b91c1c' },
};

/**
 * Stripe's card Element mounted into `container`. Each mount gets its own `elements()` group (React's
 * strict mode mounts twice, and a group holds one card Element) and destroys it on unmount.
 */
export function useCardElement(container: RefObject<HTMLDivElement | null>) {
  const [state, setState] = useState<CardElementState>({ status: 'loading' });
  const [cardError, setCardError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const cardRef = useRef<StripeCardElement | null>(null);

  useEffect(() => {
    let cancelled = false;
    getStripe()
      .then((stripe) => {
        if (cancelled || !container.current) return;
        const card = stripe.elements().create('card', { style });
        card.mount(container.current);
        // Stripe passes an event; localstripe's fake Element passes nothing.
        card.on('change', (event?: StripeCardElementChangeEvent) => setCardError(event?.error?.message ?? null));
        cardRef.current = card;
        setState({ status: 'ready', stripe, card });
      })
      .catch((error: unknown) => {
        console.error(error);
        if (!cancelled) setState({ status: 'failed' });
      });
    return () => {
      cancelled = true;
      cardRef.current?.destroy();
      cardRef.current = null;
    };
  }, [container, attempt]);

  const retry = () => {
    setState({ status: 'loading' });
    setAttempt((value) => value + 1);
  };

  return { state, cardError, setCardError, retry };
}

/** Stripe.js calls for `payWithCard`, with Stripe's errors as plain messages. */
export function cardPayments(stripe: Stripe, card: StripeCardElement): CardPayments {
  return {
    createPaymentMethod: async () => {
      const { paymentMethod, error } = await stripe.createPaymentMethod({ type: 'card', card });
      if (paymentMethod) return { paymentMethodId: paymentMethod.id };
      return { error: error?.message ?? 'Check your card details and try again.' };
    },
    handleNextAction: async (clientSecret) => {
      const { error } = await stripe.handleNextAction({ clientSecret });
      return { error: error ? (error.message ?? 'The card could not be authenticated.') : null };
    },
  };
}

// localstripe's fake Element has neither clear() nor focus(); Stripe's has both.
export function clearCard(card: StripeCardElement): void {
  if (typeof (card as Partial<StripeCardElement>).clear === 'function') card.clear();
}

export function focusCard(card: StripeCardElement): void {
  if (typeof (card as Partial<StripeCardElement>).focus === 'function') card.focus();
}
