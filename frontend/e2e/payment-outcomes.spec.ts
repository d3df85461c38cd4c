import type { Page } from '@playwright/test';

import { checkoutOneProduct, expect, fillCard, test } from './support/fixtures';

/** What the page asks of Stripe: each card must become a PaymentMethod, never a legacy token. */
function stripeCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() === 'POST' && path.startsWith('/v1/')) calls.push(path.replace(/\/pi_\w+\//, '/{id}/'));
  });
  return calls;
}

// On a phone: the whole checkout fits a 390 px wide screen.
test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('a declined card shows the reason and a second card succeeds', async ({ page, snap }) => {
    const calls = stripeCalls(page);
    await checkoutOneProduct(page, 'Wool throw blanket');
    const pay = page.getByRole('button', { name: /^Pay \$/ });

    await fillCard(page, '4000000000000341');
    await pay.click();
    const problem = page.getByRole('alert').filter({ hasText: 'Your card was declined.' });
    await expect(problem).toBeVisible();
    await expect(problem).toContainText('Try another card.');
    await expect(pay).toBeEnabled();
    await snap('declined');

    // The order page says so too, and leads back to payment
    const paymentUrl = page.url();
    await page.reload();
    await expect(page.getByRole('alert').filter({ hasText: 'Your last card was declined.' })).toBeVisible();
    expect(page.url()).toBe(paymentUrl);

    await fillCard(page, '4242424242424242');
    await snap('second card');
    await pay.click();
    await expect(page.getByText('Thank you! Your order is confirmed.')).toBeVisible();
    await expect(page.getByRole('status', { name: /Order status: (Shipped|Complete)/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('list', { name: 'Order history' })).toContainText('Payment declined');
    await snap('paid with second card');
    // Two cards, two PaymentMethods: the server confirmed each on the order's one intent
    expect(calls).toEqual(['/v1/payment_methods', '/v1/payment_methods']);
    // Nothing sticks out sideways
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});

test('a card that needs 3-D Secure is confirmed in the browser, then paid', async ({ page, snap }) => {
  const calls = stripeCalls(page);
  await checkoutOneProduct(page, 'Enamel camp mug');
  await fillCard(page, '4000000000003220');
  await page.getByRole('button', { name: /^Pay \$/ }).click();
  // localstripe's fake Stripe.js asks in a box of its own
  const authenticate = page.getByRole('button', { name: 'Complete authentication' });
  await expect(authenticate).toBeVisible();
  await snap('3-D Secure');
  await authenticate.click();
  await expect(page.getByText('Thank you! Your order is confirmed.')).toBeVisible();
  await expect(page.getByRole('status', { name: /Order status: (Shipped|Complete)/ })).toBeVisible({ timeout: 30_000 });
  await snap('paid after 3-D Secure');
  // The challenge is Stripe.js's next action in the browser; the payOrder after it only re-reads the intent
  expect(calls).toEqual(['/v1/payment_methods', '/v1/payment_intents/{id}/_authenticate']);
});
