import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { mockGraphql } from '@/testing/graphql-mock';
import { renderWithProviders } from '@/testing/render';

import { StockEditor } from './stock-editor';

const level = (warehouseId: string, available: number, version: number) => ({
  productId: 'p-poles',
  warehouseId,
  available,
  reserved: 0,
  shipped: 0,
  version,
  lowStock: available <= 5,
  shards: 0,
});

describe('StockEditor', () => {
  it('offers to add stock where the product never was, from version 0, and shows the new level', async () => {
    let seattle = level('wh-seattle', 0, 0);
    const api = mockGraphql({
      Inventory: () => ({
        warehouses: [
          { id: 'wh-seattle', name: 'Seattle fulfillment center', region: 'us-west' },
          { id: 'wh-west', name: 'Reno fulfillment center', region: 'us-west' },
        ],
        inventory: {
          product: { id: 'p-poles', sku: 'PLS-1', name: 'Trekking poles', active: true, lowStockThreshold: 5 },
          levels: [seattle, level('wh-west', 12, 3)],
          adjustments: { edges: [] },
        },
      }),
      AdjustStock: ({ input }) => {
        seattle = level('wh-seattle', (input as { quantity: number }).quantity, 1);
        return { adjustStock: { errors: [], level: seattle } };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<StockEditor productId="p-poles" />);

    const table = await screen.findByRole('table', { name: 'Stock of Trekking poles per warehouse' });
    const reno = within(table).getByRole('row', { name: /Reno/ });
    expect(within(reno).getByRole('button', { name: 'Edit available units in Reno fulfillment center' })).toBeVisible();
    const row = within(table).getByRole('row', { name: /Seattle/ });
    expect(row).toHaveTextContent('none here yet');
    expect(within(row).queryByText('low')).toBeNull();

    await user.click(within(row).getByRole('button', { name: 'Add stock in Seattle fulfillment center' }));
    await user.clear(screen.getByLabelText('Available units in Seattle fulfillment center'));
    await user.type(screen.getByLabelText('Available units in Seattle fulfillment center'), '8{Enter}');

    await waitFor(() => expect(within(table).getByRole('row', { name: /Seattle/ })).not.toHaveTextContent('none here yet'));
    expect(within(table).getByRole('button', { name: 'Edit available units in Seattle fulfillment center' })).toBeVisible();
    const sent = api.calls('AdjustStock').map((call) => call.input as Record<string, unknown>);
    expect(sent).toHaveLength(1);
    const { idempotencyKey, ...change } = sent[0] ?? {};
    expect(change).toEqual({ productId: 'p-poles', warehouseId: 'wh-seattle', expectedVersion: 0, quantity: 8 });
    expect(idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends a change again under its key, and another figure under a new one', async () => {
    const api = mockGraphql({
      Inventory: () => ({
        warehouses: [{ id: 'wh-west', name: 'Reno fulfillment center', region: 'us-west' }],
        inventory: {
          product: { id: 'p-poles', sku: 'PLS-1', name: 'Trekking poles', active: true, lowStockThreshold: 5 },
          levels: [level('wh-west', 12, 3)],
          adjustments: { edges: [] },
        },
      }),
      AdjustStock: () => ({ adjustStock: { errors: [{ field: null, code: 'UNAVAILABLE', message: 'Try again' }], level: null } }),
    });
    const user = userEvent.setup();
    renderWithProviders(<StockEditor productId="p-poles" />);
    const row = within(await screen.findByRole('table')).getByRole('row', { name: /Reno/ });
    await user.click(within(row).getByRole('button', { name: 'Edit available units in Reno fulfillment center' }));
    const field = screen.getByLabelText('Available units in Reno fulfillment center');

    for (const figure of ['20', '20', '21']) {
      await user.clear(field);
      await user.type(field, `${figure}{Enter}`);
      await screen.findByText('Try again');
    }

    const keys = api.calls('AdjustStock').map((call) => (call.input as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });
});
