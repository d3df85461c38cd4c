import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { mockGraphql } from '@/testing/graphql-mock';
import { renderWithProviders } from '@/testing/render';

import type { StockChange } from './stock-changes';
import { StockEditor } from './stock-editor';

const RENO = 'Reno fulfillment center';
const SEATTLE = 'Seattle fulfillment center';
const AUTOMATIC = 'automatic: contention';

const level = (warehouseId: string, shards: number) => ({
  productId: 'p-poles',
  warehouseId,
  available: 40,
  reserved: 3,
  shipped: 1,
  version: 7,
  lowStock: false,
  shards,
});

let ids = 0;
const change = (fields: Partial<StockChange>): StockChange => ({
  id: `adj-${++ids}`,
  warehouseId: 'wh-west',
  at: '2026-11-27T09:30:00Z',
  by: 'ada@example.com',
  before: 40,
  after: 40,
  delta: 0,
  version: 7,
  note: '',
  kind: 'ADJUSTMENT',
  shardsBefore: null,
  shardsAfter: null,
  reserved: null,
  ...fields,
});

const split = (by: string, warehouseId = 'wh-west') => change({ kind: 'SPLIT', by, warehouseId, shardsBefore: 0, shardsAfter: 12, reserved: 3 });
const merge = (warehouseId = 'wh-west') => change({ kind: 'MERGE', warehouseId, shardsBefore: 12, shardsAfter: 0, reserved: 3 });

/** The stock page over Reno and Seattle with these levels and this audit trail (newest first). */
function renderPage(levels: ReturnType<typeof level>[], changes: StockChange[]) {
  mockGraphql({
    Inventory: () => ({
      warehouses: [
        { id: 'wh-west', name: RENO, region: 'us-west' },
        { id: 'wh-seattle', name: SEATTLE, region: 'us-west' },
      ],
      inventory: {
        product: { id: 'p-poles', sku: 'PLS-1', name: 'Trekking poles', active: true, lowStockThreshold: 5 },
        levels,
        adjustments: { edges: changes.map((node) => ({ node })) },
      },
    }),
  });
  renderWithProviders(<StockEditor productId="p-poles" />);
}

const recentChanges = async () => within(await screen.findByRole('list', { name: 'Recent changes' })).getAllByRole('listitem');
const row = async (warehouse: string) => within(await screen.findByRole('table')).getByRole('row', { name: new RegExp(warehouse) });

describe('StockEditor: the recent changes in plain words', () => {
  it('tells an adjustment, an admin’s split, an automatic split and a merge apart, each with who and when', async () => {
    renderPage(
      [level('wh-west', 12), level('wh-seattle', 0)],
      [
        split('grace@example.com'),
        merge('wh-seattle'),
        split(AUTOMATIC, 'wh-seattle'),
        change({ before: 30, after: 40, delta: 10, version: 6, note: 'recount' }),
      ],
    );

    const [adminSplit, merged, automatic, adjusted] = await recentChanges();
    expect(adminSplit).toHaveTextContent(`${RENO}: Split over 12 shards for a sale`);
    expect(adminSplit).toHaveTextContent('units unchanged: 40 available, 3 reserved');
    expect(adminSplit).toHaveTextContent('grace@example.com');
    expect(adminSplit).not.toHaveTextContent('40 → 40');
    expect(merged).toHaveTextContent(`${SEATTLE}: Merged 12 shards back into one item`);
    expect(merged).toHaveTextContent('ada@example.com');
    expect(automatic).toHaveTextContent(`${SEATTLE}: Split automatically (the item was contended) over 12 shards`);
    expect(within(automatic!).getByText('automatic', { exact: true })).toBeVisible();
    expect(automatic).toHaveTextContent(AUTOMATIC);
    expect(adjusted).toHaveTextContent(`${RENO}: 30 → 40 · recount`);
    expect(adjusted).not.toHaveTextContent('units unchanged');
    expect(adjusted).toHaveTextContent(/ada@example\.com · Nov 27, 2026, .* · v6/);
  });

  it('says a level split automatically during a rush should be merged when the rush is over, beside its merge button', async () => {
    renderPage([level('wh-west', 12), level('wh-seattle', 12)], [split(AUTOMATIC), split('grace@example.com', 'wh-seattle')]);

    const reno = await row(RENO);
    expect(within(reno).getByRole('note')).toHaveTextContent('Split automatically during a rush: merge it when the rush is over.');
    expect(within(reno).getByRole('button', { name: `Merge shards in ${RENO}` })).toHaveAccessibleDescription(
      'Split automatically during a rush: merge it when the rush is over.',
    );
    expect(within(await row(SEATTLE)).queryByRole('note')).toBeNull();
  });

  it('says nothing of a rush once the automatic split was merged, nor when an admin split the level again', async () => {
    renderPage(
      [level('wh-west', 0), level('wh-seattle', 12)],
      [merge(), split('grace@example.com', 'wh-seattle'), merge('wh-seattle'), split(AUTOMATIC), split(AUTOMATIC, 'wh-seattle')],
    );

    expect(await recentChanges()).toHaveLength(5);
    expect(screen.queryByRole('note')).toBeNull();
    expect(await row(SEATTLE)).toHaveTextContent('split over 12 shards');
  });

  it('says so when no one has changed the stock yet', async () => {
    renderPage([level('wh-west', 0)], []);
    expect(await screen.findByText('No one has changed this product’s stock yet.')).toBeVisible();
  });
});
