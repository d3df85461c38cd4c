import { payOrder, placeOrder, signIn, waitForStatus } from './support/api';
import { expect, test } from './support/fixtures';

test('an admin creates, edits and deactivates a product, and the shop follows', async ({ page, snap }) => {
  const sku = `PCK-${Date.now().toString(36).toUpperCase()}`;
  await signIn(page, '/admin/products');
  await expect(page.getByRole('heading', { name: 'Products' })).toBeVisible();
  await snap('products');

  await page.getByRole('link', { name: 'New product' }).click();
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByText('Enter the name')).toBeVisible();
  await page.getByLabel('Name').fill('Trekking poles');
  await page.getByLabel('SKU').fill(sku);
  await page.getByLabel('Category').fill('outdoors');
  await page.getByLabel('Price (USD)').fill('79.5');
  await page.getByLabel('Description').fill('Carbon, foldable, 290 g the pair.');
  await snap('new product');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByText('Created Trekking poles.')).toBeVisible();

  // Straight to its stock: give Reno some poles (no warehouse has any yet)
  await expect(page.getByRole('heading', { name: 'Trekking poles' })).toBeVisible();
  await page.getByRole('button', { name: 'Add stock in Reno fulfillment center' }).click();
  await page.getByLabel('Available units in Reno fulfillment center').fill('12');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Reno fulfillment center: 0 → 12 units.')).toBeVisible();
  await snap('stocked');

  // The shop sells it
  const shop = await page.context().newPage();
  await shop.goto('/?category=outdoors');
  await expect(shop.getByRole('link', { name: 'Trekking poles' })).toBeVisible();
  await expect(shop.getByRole('button', { name: 'Add Trekking poles to cart' })).toBeEnabled();

  // Edit the price
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Products' }).click();
  await page.getByRole('link', { name: 'Trekking poles' }).click();
  await page.getByLabel('Price (USD)').fill('69.00');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved Trekking poles.')).toBeVisible();
  await shop.reload();
  await expect(shop.getByRole('listitem').filter({ hasText: 'Trekking poles' })).toContainText('$69.00');

  // Deactivate: gone from the shop, listed under Deactivated
  await page.getByRole('link', { name: '← Products' }).click();
  await page.getByRole('row', { name: /Trekking poles/ }).getByRole('button', { name: 'Deactivate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Stop selling Trekking poles?' });
  await snap('deactivate dialog');
  await dialog.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByText('Trekking poles is no longer sold.')).toBeVisible();
  await page.getByRole('tab', { name: 'Deactivated' }).click();
  await expect(page.getByRole('row', { name: /Trekking poles/ })).toBeVisible();
  await snap('deactivated');
  await shop.reload();
  await expect(shop.getByRole('heading', { name: 'Outdoors' })).toBeVisible();
  await expect(shop.getByRole('link', { name: 'Trekking poles' })).toHaveCount(0);
  await shop.close();
});

test('analytics show the period’s orders, revenue, shipping times and top products', async ({ page, request, snap }) => {
  const order = await placeOrder(request, `ana.${Date.now()}@example.com`, [{ productId: 'p-wool-socks', quantity: 3 }]);
  expect(await payOrder(request, order)).toBe('AUTHORIZED');
  await waitForStatus(request, order, ['FULFILLED']);

  await signIn(page, '/admin/analytics');
  await expect(page.getByRole('heading', { name: 'Analytics' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Orders by status' })).toContainText('Complete');
  await expect(page.getByRole('list', { name: 'Top products by units shipped' })).toContainText('Hiking socks (3 pairs)');
  await expect(page.getByRole('list', { name: 'Gross revenue per day' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Payment to shipment time' })).toContainText('95th percentile');
  await snap('analytics');
  await page.setViewportSize({ width: 390, height: 844 });
  await snap('analytics on a phone');
});
