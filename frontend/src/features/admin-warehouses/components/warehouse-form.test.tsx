import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { mockGraphql } from '@/testing/graphql-mock';
import { renderWithProviders } from '@/testing/render';

import { parseDegrees, suggestId, WarehouseForm } from './warehouse-form';
import { WarehouseList } from './warehouse-list';

const SEATTLE = { id: 'wh-seattle', name: 'Seattle fulfillment center', region: 'us-west', latitude: 47.6062, longitude: -122.3321 };

async function fillSeattle(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Name'), 'Seattle fulfillment center');
  await user.clear(screen.getByLabelText('ID'));
  await user.type(screen.getByLabelText('ID'), ' WH-Seattle ');
  await user.type(screen.getByLabelText('Region'), 'us-west');
  await user.type(screen.getByLabelText('Latitude'), '47.6062');
  await user.type(screen.getByLabelText('Longitude'), '-122.3321');
}

describe('WarehouseForm', () => {
  it('names every missing or out-of-range field and sends nothing', async () => {
    const api = mockGraphql({});
    const user = userEvent.setup();
    renderWithProviders(<WarehouseForm />);
    await user.type(screen.getByLabelText('Latitude'), '91');
    await user.type(screen.getByLabelText('Longitude'), 'west');
    await user.click(screen.getByRole('button', { name: 'Create warehouse' }));

    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Enter the name');
    expect(screen.getByLabelText('ID')).toHaveAccessibleDescription('Enter the ID');
    expect(screen.getByLabelText('Region')).toHaveAccessibleDescription('Enter the region');
    expect(screen.getByLabelText('Latitude')).toHaveAccessibleDescription('Enter decimal degrees between -90 and 90');
    expect(screen.getByLabelText('Longitude')).toHaveAccessibleDescription('Enter decimal degrees between -180 and 180');
    expect(api.fetchMock).not.toHaveBeenCalled();
  });

  it('shows the API’s errors beside their fields and keeps what was typed', async () => {
    const api = mockGraphql({
      CreateWarehouse: () => ({
        createWarehouse: {
          warehouse: null,
          errors: [
            { field: 'id', code: 'WAREHOUSE_EXISTS', message: 'is taken by another warehouse' },
            { field: 'region', code: 'INVALID', message: "must be 1 to 64 lower-case letters, digits or '-'" },
          ],
        },
      }),
    });
    const user = userEvent.setup();
    renderWithProviders(<WarehouseForm />);
    await fillSeattle(user);
    await user.click(screen.getByRole('button', { name: 'Create warehouse' }));

    await waitFor(() => expect(screen.getByLabelText('ID')).toHaveAccessibleDescription('ID is taken by another warehouse'));
    expect(screen.getByLabelText('Region')).toHaveAccessibleDescription("Region must be 1 to 64 lower-case letters, digits or '-'");
    expect(screen.getByLabelText('Name')).toHaveValue('Seattle fulfillment center');
    // Sent trimmed and lower-cased, the coordinates as numbers.
    expect(api.calls('CreateWarehouse')).toEqual([{ input: SEATTLE }]);
  });

  it('creates the warehouse, empties the form and shows it in the list, even the first one', async () => {
    const listed: (typeof SEATTLE)[] = [];
    const api = mockGraphql({
      Warehouses: () => ({ warehouses: [...listed] }),
      CreateWarehouse: ({ input }) => {
        listed.push(input as typeof SEATTLE);
        return { createWarehouse: { warehouse: input, errors: [] } };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <WarehouseList />
        <WarehouseForm />
      </>,
    );
    await screen.findByText('No warehouses yet');
    await fillSeattle(user);
    await user.click(screen.getByRole('button', { name: 'Create warehouse' }));

    const table = await screen.findByRole('table', { name: 'Warehouses' });
    const row = within(table).getByRole('row', { name: /Seattle fulfillment center/ });
    expect(row).toHaveTextContent('us-west');
    expect(row).toHaveTextContent('47.6062° N, 122.3321° W');
    expect(screen.getByLabelText('Name')).toHaveValue('');
    expect(screen.getByLabelText('ID')).toHaveValue('');
    expect(api.calls('Warehouses')).toHaveLength(2);
  });

  it('suggests an ID from the name until one is typed', async () => {
    mockGraphql({});
    const user = userEvent.setup();
    renderWithProviders(<WarehouseForm />);
    await user.type(screen.getByLabelText('Name'), 'Bremen Süd');
    expect(screen.getByLabelText('ID')).toHaveValue('wh-bremen-sud');
    await user.clear(screen.getByLabelText('ID'));
    await user.type(screen.getByLabelText('ID'), 'wh-hb');
    await user.type(screen.getByLabelText('Name'), ' 2');
    expect(screen.getByLabelText('ID')).toHaveValue('wh-hb');
  });
});

describe('suggestId', () => {
  it('makes a lower-case slug of at most 64 characters', () => {
    expect(suggestId('  Reno / Sparks DC #2 ')).toBe('wh-reno-sparks-dc-2');
    expect(suggestId('São Paulo')).toBe('wh-sao-paulo');
    expect(suggestId('x'.repeat(80))).toHaveLength(64);
    expect(suggestId('!!!')).toBe('');
  });
});

describe('parseDegrees', () => {
  it('reads decimal degrees within the limit and nothing else', () => {
    expect(parseDegrees(' -122.3321 ', 180)).toBe(-122.3321);
    expect(parseDegrees('+90', 90)).toBe(90);
    expect(parseDegrees('90.0001', 90)).toBeNull();
    expect(parseDegrees('47,6', 90)).toBeNull();
    expect(parseDegrees('1e2', 180)).toBeNull();
    expect(parseDegrees('', 90)).toBeNull();
  });
});
