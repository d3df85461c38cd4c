import { addFromCatalog, ada, expect, fillCard, test } from './support/fixtures';

test('a shopper buys two products with the test card and follows the order until it ships', async ({ page, snap }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'All gear' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Products' }).getByRole('listitem')).toHaveCount(12);
  await snap('catalog');

  // Categories, search and pagination
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(page.getByText('Showing 14 products')).toBeVisible();
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Home' }).click();
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Products' }).getByRole('listitem')).toHaveCount(4);
  await addFromCatalog(page, 'Enamel camp mug');
  await page.getByRole('searchbox', { name: 'Search products' }).fill('headlamp');
  await expect(page.getByRole('heading', { name: 'No results for “headlamp”' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'All' }).click();
  await expect(page.getByText('1 result for “headlamp”')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Search results' }).getByRole('listitem')).toHaveCount(1);
  await snap('search');

  // Product page: two headlamps
  await page.getByRole('link', { name: 'Rechargeable headlamp' }).click();
  await expect(page.getByRole('heading', { name: 'Rechargeable headlamp' })).toBeVisible();
  await page.getByRole('button', { name: 'Increase quantity' }).click();
  await expect(page.getByRole('spinbutton', { name: 'Quantity' })).toHaveValue('2');
  await snap('product');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('link', { name: 'Cart, 3 items' })).toBeVisible();

  // Cart
  await page.getByRole('link', { name: 'Cart, 3 items' }).click();
  await expect(page.getByTestId('cart-subtotal')).toHaveText('$116.00');
  await snap('cart');

  // Shipping: problems are shown beside the fields, then the form is filled by keyboard
  await page.getByRole('link', { name: 'Checkout' }).click();
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByText('Please fix 5 fields.')).toBeVisible();
  await expect(page.getByLabel('Email')).toBeFocused();
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription('Enter your email address');
  await snap('shipping errors');
  await page.keyboard.type(ada.email);
  for (const value of [ada.name, ada.line1, '', ada.city, ada.region, ada.postalCode]) {
    await page.keyboard.press('Tab');
    if (value) await page.keyboard.type(value);
  }
  await snap('shipping filled');
  await page.keyboard.press('Enter');

  // Payment
  await expect(page.getByRole('heading', { name: 'Payment' })).toBeVisible();
  // Prices and shipping come from the server
  await expect(page.getByRole('complementary', { name: 'Order summary' })).toContainText('$116.00');
  const total = await page.getByTestId('order-total').textContent();
  await fillCard(page, '4242424242424242');
  await snap('payment');
  await page.getByRole('button', { name: `Pay ${total}` }).click();

  // The order page polls until the order ships
  await expect(page.getByText('Thank you! Your order is confirmed.')).toBeVisible();
  await expect(page.getByRole('status', { name: /Order status: (Shipped|Complete)/ })).toBeVisible({ timeout: 30_000 });
  const shipments = page.getByRole('region', { name: 'Shipments' });
  await expect(shipments.getByRole('link', { name: /^\d{10,}$/ }).first()).toBeVisible();
  await expect(page.getByRole('list', { name: 'Order history' })).toContainText('Handed to the carrier');
  await expect(page.getByRole('link', { name: 'Cart, 0 items' })).toBeVisible();
  await snap('order shipped');

  // The access token is kept: the shopper can come back to the order
  const orderUrl = page.url();
  await page.goto('/orders');
  await page.getByRole('link', { name: /^Order ord_/ }).first().click();
  expect(page.url()).toBe(orderUrl);
  await expect(page.getByRole('status', { name: /Order status: (Shipped|Complete)/ })).toBeVisible();
  await snap('order revisited');
});

test('a lost placeOrder answer is retried with the same idempotency key, even after a reload', async ({ page, snap, consoleErrors }) => {
  consoleErrors.allow(/ERR_CONNECTION_RESET/);
  const keys: string[] = [];
  await page.route('**/graphql', async (route) => {
    const body = route.request().postDataJSON() as { operationName?: string; variables?: { input?: { idempotencyKey?: string } } };
    if (body.operationName !== 'PlaceOrder') return route.continue();
    keys.push(body.variables?.input?.idempotencyKey ?? '');
    // The first request reaches the server, but its answer is lost on the way back.
    if (keys.length === 1) {
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });

  await page.goto('/');
  await addFromCatalog(page, 'Merino wool tee');
  await page.goto('/checkout');
  await page.getByLabel('Email').fill(ada.email);
  await page.getByLabel('Full name').fill(ada.name);
  await page.getByLabel('Address', { exact: true }).fill(ada.line1);
  await page.getByLabel('City').fill(ada.city);
  await page.getByLabel('Postal code').fill(ada.postalCode);
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByText('We could not reach the shop.')).toBeVisible();
  await snap('answer lost');

  await page.reload();
  await expect(page.getByLabel('Full name')).toHaveValue(ada.name);
  // A double click sends one request: the button is disabled while it runs.
  await page.getByRole('button', { name: 'Continue to payment' }).dblclick();
  await expect(page.getByRole('heading', { name: 'Payment' })).toBeVisible();
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  await snap('same order after reload');
});
