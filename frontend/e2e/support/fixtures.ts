import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { test as base, expect, type Page } from '@playwright/test';

const screenshots = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-results/screenshots');

type Fixtures = {
  /** Saves a full-page screenshot as test-results/screenshots/<spec>/<test>/<nn>-<name>.png. */
  snap: (name: string) => Promise<void>;
  /** Fails the test on any console error or uncaught exception in the page, except those allowed. */
  consoleErrors: { allow: (pattern: RegExp) => void };
};

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

export const test = base.extend<Fixtures>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      const allowed: RegExp[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      await use({ allow: (pattern) => allowed.push(pattern) });
      const unexpected = errors.filter((error) => !allowed.some((pattern) => pattern.test(error)));
      expect(unexpected, 'console errors in the page').toEqual([]);
    },
    { auto: true },
  ],
  snap: async ({ page }, use, testInfo) => {
    const folder = join(screenshots, slug(testInfo.file.split('/').pop() ?? 'spec'), slug(testInfo.title));
    mkdirSync(folder, { recursive: true });
    let count = 0;
    await use(async (name) => {
      count += 1;
      await page.screenshot({ path: join(folder, `${String(count).padStart(2, '0')}-${slug(name)}.png`), fullPage: true });
    });
  },
});

export { expect };

export type Shopper = {
  email: string;
  name: string;
  line1: string;
  city: string;
  region: string;
  postalCode: string;
};

export const ada: Shopper = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  line1: '1 Analytical Way',
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
};

export async function addFromCatalog(page: Page, productName: string): Promise<void> {
  await page.getByRole('button', { name: `Add ${productName} to cart` }).click();
  await expect(page.getByText(`Added ${productName} to your cart.`)).toBeVisible();
}

export async function fillShipping(page: Page, shopper: Shopper): Promise<void> {
  await page.getByLabel('Email').fill(shopper.email);
  await page.getByLabel('Full name').fill(shopper.name);
  await page.getByLabel('Address', { exact: true }).fill(shopper.line1);
  await page.getByLabel('City').fill(shopper.city);
  await page.getByLabel('State / region').fill(shopper.region);
  await page.getByLabel('Postal code').fill(shopper.postalCode);
}

/** localstripe's fake card Element: plain inputs named by their placeholders. */
export async function fillCard(page: Page, number: string): Promise<void> {
  const card = page.getByRole('group', { name: 'Card details' });
  await card.getByPlaceholder('number').fill(number);
  await card.getByPlaceholder('exp_month').fill('12');
  await card.getByPlaceholder('exp_year').fill('34');
  await card.getByPlaceholder('cvc').fill('123');
  await card.getByPlaceholder('postal_code').fill('78701');
}

/** A cart with one product, at the shipping step, with the address filled in. */
export async function checkoutOneProduct(page: Page, productName: string, shopper: Shopper = ada): Promise<void> {
  await page.goto('/');
  await addFromCatalog(page, productName);
  await page.goto('/checkout');
  await fillShipping(page, shopper);
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByRole('heading', { name: 'Payment' })).toBeVisible();
}
