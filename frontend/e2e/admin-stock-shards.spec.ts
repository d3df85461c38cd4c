import { adminToken, payOrder, placeOrder, setStock, signIn, waitForStatus } from './support/api';
import { expect, test } from './support/fixtures';

/** A seed product no other spec uses, so splitting its stock surprises no one; Reno sells it to a shopper nearby. */
const PRODUCT = { id: 'p-rain-shell', name: 'Rain shell jacket' };
const RENO = 'Reno fulfillment center';
const SACRAMENTO = { name: 'Ada Lovelace', line1: '1 Capitol Mall', city: 'Sacramento', region: 'CA', postalCode: '95814', country: 'US' };

test('an admin splits a product’s stock for a sale, a shopper buys from the shards, and the admin merges them back', async ({ page, request, snap }) => {
  await setStock(request, await adminToken(request), PRODUCT.id, { 'wh-west': 6 });
  await signIn(page, '/admin/inventory');
  await page.getByLabel('Find a product').fill(PRODUCT.name);
  await page.getByRole('link', { name: new RegExp(PRODUCT.name) }).click();
  const table = page.getByRole('table', { name: `Stock of ${PRODUCT.name} per warehouse` });
  const row = table.getByRole('row', { name: new RegExp(RENO) });
  const available = row.getByRole('cell').first();
  await expect(available).toContainText('6');

  // 40 shards is more than the API takes: refused beside the field, nothing sent
  await row.getByRole('button', { name: `Split for a sale in ${RENO}` }).click();
  const shards = page.getByLabel(`Shards in ${RENO}`);
  await expect(shards).toHaveValue('12');
  await shards.fill('40');
  await page.keyboard.press('Enter');
  await expect(row.getByRole('alert')).toHaveText('Enter a whole number of shards from 2 to 32');
  await shards.fill('4');
  await snap('choosing shards');
  await row.getByRole('button', { name: 'Split', exact: true }).click();

  await expect(page.getByText(`${RENO}: stock split over 4 shards.`)).toBeVisible();
  await expect(row).toContainText('split over 4 shards');
  await expect(available).toContainText('6');
  const edit = row.getByRole('button', { name: `Edit available units in ${RENO}` });
  await expect(edit).toBeDisabled();
  await expect(edit).toHaveAccessibleDescription('Split for a sale: merge the shards to edit');
  // The audit trail says what happened, newest first, not "6 → 6"
  const recent = page.getByRole('list', { name: 'Recent changes' }).getByRole('listitem');
  await expect(recent.first()).toContainText(`${RENO}: Split over 4 shards for a sale`);
  await expect(recent.first()).toContainText('units unchanged: 6 available');
  await expect(recent.first()).toContainText('admin');
  await expect(row.getByRole('note')).toHaveCount(0);
  await snap('split');

  // A shopper near Reno buys one: the hold is taken from a shard, and the page shows the sums
  const order = await placeOrder(request, `shards.${Date.now().toString(36)}@example.com`, [{ productId: PRODUCT.id, quantity: 1 }], SACRAMENTO);
  expect(await payOrder(request, order)).toBe('AUTHORIZED');
  await page.reload();
  await expect(available).toContainText('5');
  await expect(row).toContainText('split over 4 shards');
  await waitForStatus(request, order, ['SHIPPED', 'FULFILLED']);

  // The rush is over (the order shipped, nothing in flight on the shards): merged back into one item, the units kept, editable again
  await row.getByRole('button', { name: `Merge shards in ${RENO}` }).click();
  await expect(page.getByText(`${RENO}: shards merged back into one item.`)).toBeVisible();
  await expect(row).not.toContainText('split over');
  await expect(available).toContainText('5');
  await expect(edit).toBeEnabled();
  await expect(row.getByRole('button', { name: `Split for a sale in ${RENO}` })).toBeVisible();
  await expect(recent.first()).toContainText(`${RENO}: Merged 4 shards back into one item`);
  await expect(recent.nth(1)).toContainText(`${RENO}: Split over 4 shards for a sale`);
  await snap('merged');
});
