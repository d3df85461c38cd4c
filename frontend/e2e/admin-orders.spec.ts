import type { Page } from '@playwright/test';

import { ADMIN, availableUnits, payOrder, placeOrder, signIn, waitForStatus } from './support/api';
import { expect, test } from './support/fixtures';

test('an admin signs in, finds a shopper’s order and cancels another one', async ({ page, request, snap }) => {
  const shopper = `grace.${Date.now()}@example.com`;
  const bought = await placeOrder(request, shopper, [{ productId: 'p-cutting-board', quantity: 1 }]);
  expect(await payOrder(request, bought)).toBe('AUTHORIZED');
  await waitForStatus(request, bought, ['SHIPPED', 'FULFILLED']);
  const unpaid = await placeOrder(request, shopper, [{ productId: 'p-blanket', quantity: 2 }]);
  const blanketsBefore = await availableUnits(request, 'p-blanket');

  // A wrong password first
  await page.goto('/admin/orders');
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await snap('login refused');
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();
  await snap('orders');

  // Find the shopper's orders by email, then narrow by status
  await page.getByLabel('Customer email').fill(shopper);
  await page.getByRole('button', { name: 'Apply' }).click();
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(3); // header + 2 orders
  await page.getByLabel('Status').selectOption({ label: 'Complete' });
  await expect(rows).toHaveCount(2);
  await snap('orders filtered');
  await page.getByRole('link', { name: bought.id }).click();
  await expect(page.getByRole('heading', { name: bought.id })).toBeVisible();
  const timeline = page.getByRole('list', { name: 'Saga timeline' });
  await expect(timeline).toContainText('ReserveInventory');
  await expect(timeline).toContainText('CapturePayment');
  await expect(page.getByRole('region', { name: 'Payment' })).toContainText('Captured');
  // Handed to the carrier: no longer cancellable
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await snap('shipped order');

  // Cancel the other one, with a reason
  await page.goto(`/admin/orders?email=${encodeURIComponent(shopper)}&status=PENDING_PAYMENT`);
  await page.getByRole('link', { name: unpaid.id }).click();
  await page.getByRole('button', { name: 'Cancel order' }).click();
  const dialog = page.getByRole('dialog', { name: `Cancel order ${unpaid.id}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel order' }).click();
  await expect(dialog.getByText('Say why the order is cancelled')).toBeVisible();
  await dialog.getByLabel('Reason').fill('Customer asked by phone');
  await snap('cancel dialog');
  await dialog.getByRole('button', { name: 'Cancel order' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status', { name: 'Status: CANCELLED' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Saga timeline' })).toContainText('Cancellation requested by admin: Customer asked by phone');
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await snap('cancelled');

  // Nothing of its stock stays held: the shop offers the same units as before
  expect(await availableUnits(request, 'p-blanket')).toBe(blanketsBefore);
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Inventory' }).click();
  await page.getByRole('navigation', { name: 'Products' }).getByRole('link', { name: /Wool throw blanket/ }).click();
  await expect(page.getByRole('table', { name: /Stock of Wool throw blanket/ })).toBeVisible();
  await snap('stock after cancellation');
});

test('the inventory editor refuses a stale edit', async ({ page, context, snap }) => {
  await signIn(page, '/admin/inventory/p-lantern');
  const row = (p: Page) => p.getByRole('row', { name: /Newark/ });
  await expect(row(page)).toBeVisible();
  const before = Number(await row(page).getByRole('cell').first().innerText().then((text) => text.match(/\d+/)?.[0]));
  await row(page).getByRole('button', { name: 'Edit available units in Newark fulfillment center' }).click();
  await page.getByLabel('Available units in Newark fulfillment center').fill(String(before + 5));

  // Meanwhile, another admin changes the same stock
  const other = await context.newPage();
  await signIn(other, '/admin/inventory/p-lantern');
  await row(other).getByRole('button', { name: 'Edit available units in Newark fulfillment center' }).click();
  await other.getByLabel('Available units in Newark fulfillment center').fill(String(before + 1));
  await other.getByRole('button', { name: 'Save' }).click();
  await expect(other.getByText(`Newark fulfillment center: ${before} → ${before + 1} units.`)).toBeVisible();
  await other.close();

  await page.getByRole('button', { name: 'Save' }).click();
  const conflict = row(page).getByRole('alert');
  await expect(conflict).toContainText('Someone changed this stock after you opened it');
  await expect(conflict).toContainText('Your change was not saved');
  await snap('stale edit refused');
  await conflict.getByRole('button', { name: 'Reload the current stock' }).click();
  await expect(row(page).getByRole('cell').first()).toContainText(String(before + 1));
  await expect(page.getByRole('region', { name: 'Recent changes' })).toContainText(`${before} → ${before + 1}`);
  await snap('after reload');
});
