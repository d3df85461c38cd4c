/** What the deployment tells the browser at run time (`GET /config.json`), so one build runs anywhere. */
export type ClientConfig = {
  stripePublishableKey: string;
  /** Stripe.js itself on AWS; localstripe's fake Stripe.js on the local system. */
  stripeJsUrl: string;
};

let pending: Promise<ClientConfig> | null = null;

function isClientConfig(value: unknown): value is ClientConfig {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.stripePublishableKey === 'string' && typeof candidate.stripeJsUrl === 'string';
}

export function loadClientConfig(): Promise<ClientConfig> {
  pending ??= fetch('/config.json', { headers: { accept: 'application/json' } })
    .then(async (response) => {
      if (!response.ok) throw new Error(`config.json answered ${response.status}`);
      const body: unknown = await response.json();
      if (!isClientConfig(body)) throw new Error('config.json lacks stripePublishableKey or stripeJsUrl');
      return body;
    })
    .catch((error: unknown) => {
      pending = null; // a later call may retry
      throw error;
    });
  return pending;
}
