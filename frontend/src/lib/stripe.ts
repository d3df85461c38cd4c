import type { Stripe } from '@stripe/stripe-js';
// The `pure` entry point: the default one injects https://js.stripe.com a tick after import, before we
// know which Stripe.js this deployment uses.
import { loadStripe } from '@stripe/stripe-js/pure';

import { loadClientConfig } from './config';

let pending: Promise<Stripe> | null = null;

function injectScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.addEventListener('load', () => resolve());
    script.addEventListener('error', () => {
      script.remove();
      reject(new Error(`Stripe.js did not load from ${src}`));
    });
    document.head.appendChild(script);
  });
}

/**
 * Stripe.js from the URL in /config.json, then `loadStripe` with the publishable key.
 *
 * `loadStripe` only knows https://js.stripe.com, but it reuses a `window.Stripe` that is already there:
 * injecting the configured script first lets the same code run against Stripe on AWS and against
 * localstripe's fake Stripe.js on one machine.
 */
export function getStripe(): Promise<Stripe> {
  pending ??= (async () => {
    const config = await loadClientConfig();
    if (!window.Stripe) await injectScript(config.stripeJsUrl);
    const stripe = await loadStripe(config.stripePublishableKey);
    if (!stripe) throw new Error('Stripe.js is not available in this browser');
    return stripe;
  })().catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}
