import { payOrder, placeOrder, signIn, waitForStatus } from './support/api';
import { expect, test } from './support/fixtures';

/** A seed product no other spec uses, so the units this spec adds surprise no one. Reno holds 5 of it. */
const PRODUCT = { id: 'p-sleeping-bag', name: 'Down sleeping bag' };
const TACOMA = { name: 'Ada Lovelace', line1: '1 Dock St', city: 'Tacoma', region: 'WA', postalCode: '98402', country: 'US' };

test('an admin creates a warehouse, stocks a product there, and an order nearby ships from it', async ({ page, request, snap }) => {
  const suffix = Date.now().toString(36);
  const warehouse = { id: `wh-sea-${suffix}`, name: `Seattle depot ${suffix}` };

  await signIn(page, '/admin/warehouses');
  await expect(page.getByRole('heading', { name: 'Warehouses', level: 1 })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Warehouses' })).toContainText('Reno fulfillment center');
  await snap('warehouses');

  // An ID already taken is refused beside its field, and nothing typed is lost
  const form = page.getByRole('region', { name: 'New warehouse' });
  await form.getByRole('button', { name: 'Create warehouse' }).click();
  await expect(form.getByText('Enter the name')).toBeVisible();
  await form.getByLabel('Name').fill(warehouse.name);
  await form.getByLabel('ID').fill('wh-east');
  await form.getByLabel('Region').fill('us-west');
  await form.getByLabel('Latitude').fill('47.6062');
  await form.getByLabel('Longitude').fill('-122.3321');
  await form.getByRole('button', { name: 'Create warehouse' }).click();
  await expect(form.getByText('ID is taken by another warehouse')).toBeVisible();
  await expect(form.getByLabel('Name')).toHaveValue(warehouse.name);
  await snap('id taken');

  await form.getByLabel('ID').fill(warehouse.id);
  await form.getByRole('button', { name: 'Create warehouse' }).click();
  await expect(page.getByText(`Created ${warehouse.name}.`)).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(warehouse.name) })).toContainText('47.6062° N, 122.3321° W');
  await expect(form.getByLabel('Name')).toHaveValue('');
  await snap('created');

  // The product never was there: its stock starts from nothing, and the change is on the record
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Inventory' }).click();
  await page.getByLabel('Find a product').fill(PRODUCT.name);
  await page.getByRole('link', { name: new RegExp(PRODUCT.name) }).click();
  const row = page.getByRole('row', { name: new RegExp(warehouse.name) });
  await expect(row).toContainText('none here yet');
  await row.getByRole('button', { name: `Add stock in ${warehouse.name}` }).click();
  await page.getByLabel(`Available units in ${warehouse.name}`).fill('6');
  await page.keyboard.press('Enter');
  await expect(page.getByText(`${warehouse.name}: 0 → 6 units.`)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Recent changes' })).toContainText(`${warehouse.name}: 0 → 6`);
  await expect(row).not.toContainText('none here yet');
  await snap('stocked');

  // A shopper in Washington: Reno could ship it, but the new warehouse is nearer
  const order = await placeOrder(request, `wa.${suffix}@example.com`, [{ productId: PRODUCT.id, quantity: 1 }], TACOMA);
  expect(await payOrder(request, order)).toBe('AUTHORIZED');
  await waitForStatus(request, order, ['SHIPPED', 'FULFILLED']);
  await page.goto(`/admin/orders/${order.id}`);
  await expect(page.getByRole('region', { name: 'Shipments' })).toContainText(`from ${warehouse.id}`);
  await snap('shipped from the new warehouse');
});
