import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** Shortcuts through the public API, for specs whose subject is not the shopper's pages. */
type Line = { productId: string; quantity: number };
type Address = { name: string; line1: string; city: string; region: string; postalCode: string; country: string };

const ARLINGTON: Address = { name: 'Grace Hopper', line1: '2 Compiler Row', city: 'Arlington', region: 'VA', postalCode: '22201', country: 'US' };

async function graphql<T>(request: APIRequestContext, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await request.post('/graphql', {
    data: { query, variables },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  expect(response.ok(), await response.text()).toBe(true);
  const body = (await response.json()) as { data?: T; errors?: unknown };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data as T;
}

export async function placeOrder(
  request: APIRequestContext,
  email: string,
  lines: Line[],
  shippingAddress: Address = ARLINGTON,
): Promise<{ id: string; accessToken: string }> {
  const data = await graphql<{ placeOrder: { accessToken: string; order: { id: string }; errors: unknown[] } }>(
    request,
    `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { accessToken order { id } errors { field message } } }`,
    {
      input: {
        idempotencyKey: crypto.randomUUID(),
        email,
        lines,
        shippingAddress,
      },
    },
  );
  expect(data.placeOrder.errors).toEqual([]);
  return { id: data.placeOrder.order.id, accessToken: data.placeOrder.accessToken };
}

/** Card → PaymentMethod at the configured (fake) Stripe, then payOrder: what Stripe.js and the payment page do. */
export async function payOrder(request: APIRequestContext, order: { id: string; accessToken: string }, card = '4242424242424242'): Promise<string> {
  const config = (await (await request.get('/config.json')).json()) as { stripePublishableKey: string; stripeJsUrl: string };
  const stripeBase = config.stripeJsUrl.replace(/\/js\.stripe\.com\/v3\/$/, '');
  const created = await request.post(`${stripeBase}/v1/payment_methods`, {
    form: { type: 'card', 'card[number]': card, 'card[exp_month]': '12', 'card[exp_year]': '2034', 'card[cvc]': '123', key: config.stripePublishableKey },
  });
  const paymentMethod = (await created.json()) as { id: string };
  const data = await graphql<{ payOrder: { outcome: string } }>(
    request,
    `mutation ($id: ID!, $token: String!, $pm: String) { payOrder(orderId: $id, accessToken: $token, paymentMethodId: $pm) { outcome } }`,
    { id: order.id, token: order.accessToken, pm: paymentMethod.id },
  );
  return data.payOrder.outcome;
}

export async function waitForStatus(request: APIRequestContext, order: { id: string; accessToken: string }, statuses: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const data = await graphql<{ order: { status: string } }>(request, `query ($id: ID!, $token: String!) { order(id: $id, accessToken: $token) { status } }`, {
          id: order.id,
          token: order.accessToken,
        });
        return data.order.status;
      },
      { timeout: 30_000 },
    )
    .toMatch(new RegExp(`^(${statuses.join('|')})$`));
}

export async function availableUnits(request: APIRequestContext, productId: string): Promise<number> {
  const data = await graphql<{ product: { availability: { available: number } } }>(
    request,
    `query ($id: ID!) { product(id: $id) { availability { available } } }`,
    { id: productId },
  );
  return data.product.availability.available;
}

export const ADMIN = { username: 'admin', password: 'admin-dev-password' };

/** Through the login page, landing on `path`. */
export async function signIn(page: Page, path = '/admin'): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('heading', { name: 'Admin sign in' })).toBeVisible();
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** An admin's bearer token, through the public API. */
export async function adminToken(request: APIRequestContext): Promise<string> {
  const data = await graphql<{ adminLogin: { token: string | null; errors: unknown[] } }>(
    request,
    `mutation ($username: String!, $password: String!) { adminLogin(username: $username, password: $password) { token errors { code message } } }`,
    ADMIN,
  );
  expect(data.adminLogin.errors).toEqual([]);
  return data.adminLogin.token ?? '';
}

/** A product's available units per warehouse (only those with some). */
export async function stockLevels(request: APIRequestContext, token: string, productId: string): Promise<Record<string, number>> {
  const data = await graphql<{ inventory: { levels: { warehouseId: string; available: number }[] } }>(
    request,
    `query ($id: ID!) { inventory(productId: $id) { levels { warehouseId available } } }`,
    { id: productId },
    token,
  );
  return Object.fromEntries(data.inventory.levels.filter((level) => level.available > 0).map((level) => [level.warehouseId, level.available]));
}

/** Sets the available units of a product in each warehouse named (adjustStock, as the inventory page does). */
export async function setStock(request: APIRequestContext, token: string, productId: string, units: Record<string, number>): Promise<void> {
  const data = await graphql<{ inventory: { levels: { warehouseId: string; version: number }[] } }>(
    request,
    `query ($id: ID!) { inventory(productId: $id) { levels { warehouseId version } } }`,
    { id: productId },
    token,
  );
  for (const [warehouseId, quantity] of Object.entries(units)) {
    const expectedVersion = data.inventory.levels.find((level) => level.warehouseId === warehouseId)?.version ?? 0;
    const changed = await graphql<{ adjustStock: { errors: unknown[] } }>(
      request,
      `mutation ($input: AdjustStockInput!) { adjustStock(input: $input) { errors { code message } } }`,
      { input: { productId, warehouseId, expectedVersion, quantity, note: 'e2e', idempotencyKey: crypto.randomUUID() } },
      token,
    );
    expect(changed.adjustStock.errors).toEqual([]);
  }
}

export async function paymentStatus(request: APIRequestContext, order: { id: string; accessToken: string }): Promise<string> {
  const data = await graphql<{ order: { payment: { status: string } } }>(
    request,
    `query ($id: ID!, $token: String!) { order(id: $id, accessToken: $token) { payment { status } } }`,
    { id: order.id, token: order.accessToken },
  );
  return data.order.payment.status;
}
