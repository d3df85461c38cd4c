import { defineConfig } from '@playwright/test';

import base from '../playwright.config';

// The docs' pictures (docs/images/*.png): the e2e settings and local system, only e2e/docs-screenshots.ts.
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'docs-screenshots.ts',
  outputDir: '../test-results/screenshots-artifacts',
  globalSetup: './support/global-setup.ts',
  reporter: 'list',
  fullyParallel: false,
  workers: 1,
});
