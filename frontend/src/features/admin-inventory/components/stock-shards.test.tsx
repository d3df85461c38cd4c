import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { mockGraphql } from '@/testing/graphql-mock';
import { renderWithProviders } from '@/testing/render';

import { StockEditor } from './stock-editor';

const RENO = 'Reno fulfillment center';

const level = (shards: number, version = 3) => ({
  productId: 'p-poles',
  warehouseId: 'wh-west',
  available: 24,
  reserved: 2,
  shipped: 1,
  version,
  lowStock: false,
  shards,
});

/** The inventory page over one warehouse whose level is `current()` at each read. */
function inventory(current: () => ReturnType<typeof level>) {
  return () => ({
    warehouses: [{ id: 'wh-west', name: RENO, region: 'us-west' }],
    inventory: {
      product: { id: 'p-poles', sku: 'PLS-1', name: 'Trekking poles', active: true, lowStockThreshold: 5 },
      levels: [current()],
      adjustments: { edges: [] },
    },
  });
}

const renoRow = async () => within(await screen.findByRole('table')).getByRole('row', { name: /Reno/ });

describe('StockEditor: splitting stock for a sale and merging it back', () => {
  it('splits over the 12 shards offered, reads the level again, and refuses edits until merged, saying why', async () => {
    let stored = level(0);
    const api = mockGraphql({
      Inventory: inventory(() => stored),
      SplitStock: ({ shards }) => {
        stored = level(shards as number, 4);
        return { splitStock: { errors: [], level: stored } };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<StockEditor productId="p-poles" />);

    await user.click(within(await renoRow()).getByRole('button', { name: `Split for a sale in ${RENO}` }));
    expect(screen.getByLabelText(`Shards in ${RENO}`)).toHaveValue(12);
    await user.click(within(screen.getByRole('form', { name: `Split the stock in ${RENO}` })).getByRole('button', { name: 'Split' }));

    await waitFor(async () => expect(await renoRow()).toHaveTextContent('split over 12 shards'));
    expect(api.calls('SplitStock')).toEqual([{ productId: 'p-poles', warehouseId: 'wh-west', shards: 12 }]);
    expect(api.calls('Inventory')).toHaveLength(2);
    const edit = within(await renoRow()).getByRole('button', { name: `Edit available units in ${RENO}` });
    expect(edit).toBeDisabled();
    expect(edit).toHaveAccessibleDescription('Split for a sale: merge the shards to edit');
  });

  it('refuses a shard count outside 2 to 32 before asking, and shows the API’s refusal inline', async () => {
    const api = mockGraphql({
      Inventory: inventory(() => level(0)),
      SplitStock: () => ({
        splitStock: {
          errors: [{ field: null, code: 'VERSION_CONFLICT', message: 'orders kept taking this stock meanwhile: try again when the rush is over' }],
          level: null,
        },
      }),
    });
    const user = userEvent.setup();
    renderWithProviders(<StockEditor productId="p-poles" />);
    await user.click(within(await renoRow()).getByRole('button', { name: `Split for a sale in ${RENO}` }));
    const field = screen.getByLabelText(`Shards in ${RENO}`);

    await user.clear(field);
    await user.type(field, '40{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter a whole number of shards from 2 to 32');
    expect(field).toBeInvalid();
    expect(api.calls('SplitStock')).toHaveLength(0);

    await user.clear(field);
    await user.type(field, '8{Enter}');
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('orders kept taking this stock meanwhile'));
    expect(api.calls('SplitStock')).toEqual([{ productId: 'p-poles', warehouseId: 'wh-west', shards: 8 }]);
    expect(api.calls('Inventory')).toHaveLength(1);
    expect(screen.getByLabelText(`Shards in ${RENO}`)).toHaveValue(8);
  });

  it('merges the shards back, reads the level again, and lets the units be edited', async () => {
    let stored = level(12);
    const api = mockGraphql({
      Inventory: inventory(() => stored),
      MergeStock: () => {
        stored = level(0, 5);
        return { mergeStock: { errors: [], level: stored } };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<StockEditor productId="p-poles" />);

    await user.click(within(await renoRow()).getByRole('button', { name: `Merge shards in ${RENO}` }));

    await waitFor(async () => expect(within(await renoRow()).getByRole('button', { name: `Edit available units in ${RENO}` })).toBeEnabled());
    expect(await renoRow()).not.toHaveTextContent('split over');
    expect(within(await renoRow()).getByRole('button', { name: `Split for a sale in ${RENO}` })).toBeVisible();
    expect(api.calls('MergeStock')).toEqual([{ productId: 'p-poles', warehouseId: 'wh-west' }]);
    expect(api.calls('Inventory')).toHaveLength(2);
  });

  it('shows a refused merge beside its button and keeps the level as it was', async () => {
    const api = mockGraphql({
      Inventory: inventory(() => level(12)),
      MergeStock: () => ({
        mergeStock: {
          errors: [{ field: null, code: 'VERSION_CONFLICT', message: 'orders kept taking this stock meanwhile: try again when the rush is over' }],
          level: null,
        },
      }),
    });
    const user = userEvent.setup();
    renderWithProviders(<StockEditor productId="p-poles" />);

    const merge = within(await renoRow()).getByRole('button', { name: `Merge shards in ${RENO}` });
    await user.click(merge);

    expect(await within(await renoRow()).findByRole('alert')).toHaveTextContent('orders kept taking this stock meanwhile');
    expect(merge).toHaveAccessibleDescription('orders kept taking this stock meanwhile: try again when the rush is over');
    expect(await renoRow()).toHaveTextContent('split over 12 shards');
    expect(api.calls('Inventory')).toHaveLength(1);
  });

  it('an edit refused because the stock was split meanwhile says to merge first and offers to reload', async () => {
    let stored = level(0);
    mockGraphql({
      Inventory: inventory(() => stored),
      AdjustStock: () => {
        stored = level(12, 4);
        return {
          adjustStock: {
            errors: [{ field: 'warehouseId', code: 'STOCK_SPLIT', message: 'the stock is split over 12 shards for a hot sale: merge it first (mergeStock)' }],
            level: null,
          },
        };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<StockEditor productId="p-poles" />);
    await user.click(within(await renoRow()).getByRole('button', { name: `Edit available units in ${RENO}` }));
    const field = screen.getByLabelText(`Available units in ${RENO}`);
    await user.clear(field);
    await user.type(field, '30{Enter}');

    expect(await screen.findByRole('alert')).toHaveTextContent('This stock was split for a sale after you opened it');
    await user.click(screen.getByRole('button', { name: 'Reload the current stock' }));
    await waitFor(async () => expect(await renoRow()).toHaveTextContent('split over 12 shards'));
    expect(within(await renoRow()).getByRole('button', { name: `Edit available units in ${RENO}` })).toBeDisabled();
  });
});
