import type { APIRequestContext, Locator, Page } from '@playwright/test';

import { ADMIN, payOrder, placeOrder, signIn, waitForStatus } from './support/api';
import { expect, test } from './support/fixtures';

/** A product no other spec orders, so its stock only moves because of this test. */
const HELD_PRODUCT = { id: 'p-water-filter', name: 'Squeeze water filter' };
const HELD_QUANTITY = 2;

type Stock = Record<string, { available: number; reserved: number }>;

const firstNumber = async (cell: Locator) => Number((await cell.innerText()).match(/\d+/)?.[0] ?? Number.NaN);

/** The admin inventory page's per-warehouse table, freshly loaded. */
async function stockOnPage(page: Page, product: { id: string; name: string }): Promise<Stock> {
  await page.goto(`/admin/inventory/${product.id}`);
  const table = page.getByRole('table', { name: `Stock of ${product.name} per warehouse` });
  await expect(table).toBeVisible();
  const stock: Stock = {};
  for (const row of await table.getByRole('row').filter({ has: page.getByRole('rowheader') }).all()) {
    const warehouse = (await row.getByRole('rowheader').innerText()).replace(/\s*low$/, '').trim();
    const cells = row.getByRole('cell');
    const level = { available: await firstNumber(cells.nth(0)), reserved: await firstNumber(cells.nth(1)) };
    // Only warehouses that hold some: another spec may add an (empty) warehouse while this one runs.
    if (level.available + level.reserved > 0) stock[warehouse] = level;
  }
  expect(Object.keys(stock).length, 'warehouses in the stock table').toBeGreaterThan(0);
  return stock;
}

const total = (stock: Stock, field: 'available' | 'reserved') => Object.values(stock).reduce((sum, level) => sum + level[field], 0);

/** Local-only route: pauses the saga's allocate-shipment step for one order until released. */
async function holdShipmentAllocation(request: APIRequestContext, orderId: string): Promise<void> {
  const response = await request.post('/_local/holds', { data: { function: 'allocate-shipment', orderId } });
  expect(response.status(), await response.text()).toBe(204);
}

async function releaseHold(request: APIRequestContext, orderId: string): Promise<void> {
  const response = await request.delete(`/_local/holds?orderId=${encodeURIComponent(orderId)}`);
  expect(response.status(), await response.text()).toBe(204);
}

test('an admin signs in, finds a shopper’s order, cancels another one mid-saga and sees its stock restored', async ({ page, request, snap }) => {
  const shopper = `grace.${Date.now()}@example.com`;
  const bought = await placeOrder(request, shopper, [{ productId: 'p-cutting-board', quantity: 1 }]);
  expect(await payOrder(request, bought)).toBe('AUTHORIZED');
  await waitForStatus(request, bought, ['SHIPPED', 'FULFILLED']);

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

  // The stock before the second order, then that order paid while its saga is held before shipping: units reserved
  const stockBefore = await stockOnPage(page, HELD_PRODUCT);
  const held = await placeOrder(request, shopper, [{ productId: HELD_PRODUCT.id, quantity: HELD_QUANTITY }]);
  try {
    await holdShipmentAllocation(request, held.id);
    expect(await payOrder(request, held)).toBe('AUTHORIZED');
    await waitForStatus(request, held, ['CAPTURED']);

    const stockHeld = await stockOnPage(page, HELD_PRODUCT);
    expect(total(stockHeld, 'reserved')).toBe(total(stockBefore, 'reserved') + HELD_QUANTITY);
    expect(total(stockHeld, 'available')).toBe(total(stockBefore, 'available') - HELD_QUANTITY);
    // Units move from available to reserved within a warehouse: each warehouse holds as many as before
    const onHand = (stock: Stock) => Object.fromEntries(Object.entries(stock).map(([warehouse, level]) => [warehouse, level.available + level.reserved]));
    expect(onHand(stockHeld)).toEqual(onHand(stockBefore));
    await snap('stock reserved');

    // Find the shopper's orders by email, then narrow by status
    await page.goto('/admin/orders');
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

    // Cancel the paid one, held mid-saga with its units reserved, with a reason
    await page.goto(`/admin/orders?email=${encodeURIComponent(shopper)}&status=CAPTURED`);
    await page.getByRole('link', { name: held.id }).click();
    await expect(page.getByRole('status', { name: 'Status: CAPTURED' })).toBeVisible();
    const payment = page.getByRole('region', { name: 'Payment' });
    const captured = (await payment.innerText()).match(/Captured\s*(\$[\d,]+\.\d\d)/)?.[1];
    expect(captured, 'the captured amount').toBeDefined();
    expect(captured).not.toBe('$0.00');
    await page.getByRole('button', { name: 'Cancel order' }).click();
    const dialog = page.getByRole('dialog', { name: `Cancel order ${held.id}?` });
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
    // The captured payment is refunded in full
    await expect(payment).toContainText(new RegExp(`Refunded\\s*\\${captured}`));
    await snap('cancelled');

    // Its units are available again and nothing stays reserved for it
    await expect(async () => expect(await stockOnPage(page, HELD_PRODUCT)).toEqual(stockBefore)).toPass({ timeout: 20_000 });
    await snap('stock restored after cancellation');
  } finally {
    await releaseHold(request, held.id);
  }
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
