import type { Page } from '@playwright/test';

import { adminToken, paymentStatus, setStock, stockLevels } from './support/api';
import { ada, expect, fillCard, fillShipping, test } from './support/fixtures';

// Products no other spec orders, so their stock moves only because of this file.
const TENT = { id: 'p-tent-2p', name: 'Two-person tent' };
const SUN_HAT = { id: 'p-sun-hat', name: 'Wide-brim sun hat' };

const STAY_HELD = /^Your items stay held until \d\d:\d\d \(about (9|10) minutes left\) — try another card\.$/;
const WHEN_IT_LAPSES = 'If the time runs out, we’ll try to hold them again when you pay — if they’re still in stock.';
const LAPSED = 'Your hold has ended; paying will hold the items again if they’re still in stock.';

/** One product from its page into the cart, then the shipping step: at the payment step, the order placed. */
async function checkout(page: Page, product: { id: string; name: string }): Promise<{ id: string; accessToken: string }> {
  await page.goto(`/products/${product.id}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.goto('/checkout');
  await fillShipping(page, ada);
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment' })).toBeVisible();
  const id = page.url().split('/').pop() ?? '';
  const accessToken = await page.evaluate(
    (orderId) => (JSON.parse(localStorage.getItem('trailhead.orders.v1') ?? '{}') as { state: { orders: Record<string, { accessToken: string }> } }).state.orders[orderId]?.accessToken ?? '',
    id,
  );
  return { id, accessToken };
}

const holdNotice = (page: Page) => page.getByTestId('hold-notice').getByRole('status');

test('a declined card leaves the items held, says until when and what happens when the hold lapses', async ({ page, context, snap }) => {
  await checkout(page, TENT);
  // Nothing is held before the first payment attempt
  await expect(page.getByTestId('hold-notice')).toHaveCount(0);

  await fillCard(page, '4000000000000341');
  await page.getByRole('button', { name: /^Pay \$/ }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Your card was declined.' })).toBeVisible();
  await expect(holdNotice(page)).toHaveText(STAY_HELD);
  await expect(page.getByTestId('hold-notice')).toContainText(WHEN_IT_LAPSES);
  await snap('declined, items held');

  // The order page says so too; with the browser's clock moved past the hold's end, it says the hold ended
  const orderId = page.url().split('/').pop() ?? '';
  const later = await context.newPage();
  await later.clock.install();
  await later.goto(`/orders/${orderId}`);
  await expect(later.getByRole('status', { name: 'Order status: Payment failed' })).toBeVisible();
  await expect(holdNotice(later)).toHaveText(STAY_HELD);
  await later.clock.fastForward('11:00');
  await expect(holdNotice(later)).toHaveText(LAPSED);
  await later.screenshot({ path: test.info().outputPath('hold-lapsed.png'), fullPage: true });
  await later.close();

  // A second card is paid while the items are held
  await fillCard(page, '4242424242424242');
  await page.getByRole('button', { name: /^Pay \$/ }).click();
  await expect(page.getByText('Thank you! Your order is confirmed.')).toBeVisible();
  await expect(page.getByTestId('hold-notice')).toHaveCount(0);
});

test('an item sold out before payment is named, the card is not touched, and the cart is one click away', async ({ page, request, snap }) => {
  const stripeCalls: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() === 'POST' && path.startsWith('/v1/')) stripeCalls.push(path);
  });
  const order = await checkout(page, SUN_HAT);

  // Meanwhile the last hats go elsewhere: the admin sets the stock to nothing
  const token = await adminToken(request);
  const before = await stockLevels(request, token, SUN_HAT.id);
  expect(Object.keys(before).length, 'warehouses holding the hat').toBeGreaterThan(0);
  try {
    await setStock(request, token, SUN_HAT.id, Object.fromEntries(Object.keys(before).map((warehouse) => [warehouse, 0])));

    await fillCard(page, '4242424242424242');
    await page.getByRole('button', { name: /^Pay \$/ }).click();
    const problem = page.getByRole('alert').filter({ hasText: 'We couldn’t hold your items' });
    await expect(problem).toBeVisible();
    await expect(problem).toContainText(`“${SUN_HAT.name}” is sold out.`);
    await expect(problem).toContainText('Your card was not charged.');
    // No card form left to submit
    await expect(page.getByRole('button', { name: /^Pay \$/ })).toHaveCount(0);
    await expect(page.getByRole('group', { name: 'Card details' })).toHaveCount(0);
    await snap('sold out');
    // The card became a PaymentMethod in the browser, and the server never confirmed it
    expect(stripeCalls).toEqual(['/v1/payment_methods']);
    expect(await paymentStatus(request, order)).toBe('NONE');

    await problem.getByRole('link', { name: 'Back to cart' }).click();
    await expect(page).toHaveURL(/\/cart$/);
    await expect(page.getByRole('heading', { name: 'Your cart', level: 1 })).toBeVisible();
    await expect(page.getByRole('main')).toContainText(SUN_HAT.name);
  } finally {
    await setStock(request, token, SUN_HAT.id, before);
  }
});
