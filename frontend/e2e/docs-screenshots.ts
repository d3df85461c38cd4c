import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect, type Page } from '@playwright/test';

import { payOrder, placeOrder, signIn, waitForStatus } from './support/api';
import { addFromCatalog, ada, fillCard, fillShipping, test } from './support/fixtures';

/**
 * The pictures of docs/images/, taken from a fresh local system (`npm run screenshots`, see docs/develop.md).
 * Not a spec: `npm run e2e` does not run it. Viewport-sized PNGs, so each stays well under 300 KB.
 */
const images = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/images');

const shoot = (page: Page, name: string) => page.screenshot({ path: resolve(images, `${name}.png`) });

test.use({ viewport: { width: 1280, height: 800 } });

test('storefront', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'All gear' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Products' }).getByRole('listitem')).toHaveCount(12);
  await page.evaluate(() => document.fonts.ready);
  await shoot(page, 'storefront');
});

test('order followed until it ships', async ({ page }) => {
  await page.goto('/');
  await addFromCatalog(page, 'Enamel camp mug');
  await page.goto('/checkout');
  await fillShipping(page, ada);
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment' })).toBeVisible();
  const total = await page.getByTestId('order-total').textContent();
  await fillCard(page, '4242424242424242');
  await page.getByRole('button', { name: `Pay ${total}` }).click();
  await expect(page.getByRole('status', { name: /Order status: (Shipped|Complete)/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('list', { name: 'Order history' })).toContainText('Handed to the carrier');
  await expect(page.getByText('Payment authorized. Thank you for your order!')).toBeHidden({ timeout: 15_000 });
  await shoot(page, 'order');
});

test('admin order with its saga timeline', async ({ page, request }) => {
  const order = await placeOrder(request, 'grace@example.com', [{ productId: 'p-cutting-board', quantity: 1 }]);
  expect(await payOrder(request, order)).toBe('AUTHORIZED');
  await waitForStatus(request, order, ['FULFILLED']);
  await signIn(page, `/admin/orders/${order.id}`);
  await expect(page.getByRole('heading', { name: order.id })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Saga timeline' })).toContainText('CapturePayment');
  await shoot(page, 'admin-order');
});
