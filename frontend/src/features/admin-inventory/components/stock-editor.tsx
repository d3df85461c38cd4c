import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { toast } from 'sonner';
import { useMutation, useQuery } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import type { InventoryQuery as InventoryResult } from '@/gql/graphql';
import { useDocumentTitle } from '@/lib/use-document-title';

import { AdjustStockMutation } from '../api/adjust-stock';
import { InventoryQuery } from '../api/get-inventory';
import { automaticallySplit, StockChanges } from './stock-changes';
import { StockShards } from './stock-shards';

type Level = NonNullable<InventoryResult['inventory']>['levels'][number];

/** A warehouse that never held the product (the API gives it version 0 and no units): its first stock is added. */
const isUnstocked = (level: Level) => level.version === 0 && level.available === 0 && level.reserved === 0 && level.shipped === 0;

export function StockEditor({ productId }: { productId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: InventoryQuery, variables: { productId }, requestPolicy: 'cache-and-network' });
  const inventory = data?.inventory;
  useDocumentTitle(inventory ? `Stock: ${inventory.product.name} · Admin` : 'Stock · Admin');
  const reload = () => refetch({ requestPolicy: 'network-only' });

  if (fetching && !data) {
    return (
      <LoadingRegion label="Loading stock">
        <Skeleton className="h-48 w-full" />
      </LoadingRegion>
    );
  }
  if (error && !data) {
    return (
      <Alert title="Stock could not be loaded.">
        <Button variant="secondary" size="sm" className="mt-3" onClick={reload}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (!data || !inventory) return <EmptyState title="No such product">Pick a product from the list.</EmptyState>;

  const names = new Map(data.warehouses.map((warehouse) => [warehouse.id, warehouse.name]));
  const adjustments = inventory.adjustments.edges.map((edge) => edge.node);
  const splitAutomatically = automaticallySplit(adjustments);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h2 className="text-xl font-semibold">{inventory.product.name}</h2>
        <p className="text-sm text-stone-600">
          {inventory.product.sku} · low stock at {inventory.product.lowStockThreshold} units or fewer
          {inventory.product.active ? '' : ' · not on sale'}
        </p>
      </div>
      <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
        <table className="w-full min-w-[48rem] text-left text-sm">
          <caption className="sr-only">Stock of {inventory.product.name} per warehouse</caption>
          <thead className="border-b border-stone-200 bg-stone-50 text-xs text-stone-600 uppercase">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">Warehouse</th>
              <th scope="col" className="px-4 py-3 font-medium">Available</th>
              <th scope="col" className="px-4 py-3 text-right font-medium">Reserved</th>
              <th scope="col" className="px-4 py-3 text-right font-medium">Shipped</th>
              <th scope="col" className="px-4 py-3 font-medium">Sale split</th>
              <th scope="col" className="px-4 py-3 text-right font-medium">Version</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {inventory.levels.map((level) => (
              <StockRow
                key={level.warehouseId}
                level={level}
                warehouse={names.get(level.warehouseId) ?? level.warehouseId}
                splitAutomatically={splitAutomatically.has(level.warehouseId)}
                onReload={reload}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p className="-mt-4 text-xs text-stone-500">
        Every warehouse is listed, including those that never held this product.{' '}
        <Link to="/admin/warehouses" className="text-emerald-800 underline">
          Add a warehouse
        </Link>
      </p>
      <StockChanges changes={adjustments} warehouseName={(id) => names.get(id) ?? id} />
    </div>
  );
}

type RowProblem = { kind: 'conflict' | 'invalid'; message: string };

const SPLIT_MEANWHILE: RowProblem = {
  kind: 'conflict',
  message: 'This stock was split for a sale after you opened it, so its units cannot be set: merge the shards first.',
};

/** One warehouse's stock, edited in place: the version read is sent back, so a stale edit is refused. */
function StockRow({
  level,
  warehouse,
  splitAutomatically,
  onReload,
}: {
  level: Level;
  warehouse: string;
  splitAutomatically: boolean;
  onReload: () => void;
}) {
  // The version the admin saw when they started editing: sent back, so a change made meanwhile is not overwritten.
  const [editing, setEditing] = useState<{ version: number; available: number } | null>(null);
  const [value, setValue] = useState(String(level.available));
  const [problem, setProblem] = useState<RowProblem | null>(null);
  const [{ fetching }, adjust] = useMutation(AdjustStockMutation);
  // One key per intended change (the version read and the figure typed): sending it again after a lost answer
  // replays that change instead of reporting a conflict with itself; a different figure is a different change.
  const keys = useRef(new Map<string, string>());

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const quantity = Number(value);
    if (!Number.isInteger(quantity) || quantity < 0) {
      setProblem({ kind: 'invalid', message: 'Enter a whole number of units, 0 or more' });
      return;
    }
    if (!editing) return;
    if (quantity === editing.available) {
      stopEditing();
      return;
    }
    const change = `${editing.version}:${quantity}`;
    const idempotencyKey = keys.current.get(change) ?? crypto.randomUUID();
    keys.current.set(change, idempotencyKey);
    const input = { productId: level.productId, warehouseId: level.warehouseId, expectedVersion: editing.version };
    const result = await adjust({ input: { ...input, quantity, idempotencyKey } });
    const payload = result.data?.adjustStock;
    if (!payload) {
      setProblem({ kind: 'invalid', message: 'The change could not be sent. Try again.' });
      return;
    }
    const [error] = payload.errors;
    if (error) {
      if (error.code === 'STOCK_SPLIT') setProblem(SPLIT_MEANWHILE);
      else if (error.code === 'VERSION_CONFLICT')
        setProblem({
          kind: 'conflict',
          message: 'Someone changed this stock after you opened it. Your change was not saved: reload to see the current figure, then edit again.',
        });
      else setProblem({ kind: 'invalid', message: error.message });
      return;
    }
    toast.success(`${warehouse}: ${editing.available} → ${payload.level?.available ?? quantity} units.`);
    stopEditing();
    onReload();
  };

  const startEditing = () => {
    setEditing({ version: level.version, available: level.available });
    setValue(String(level.available));
    setProblem(null);
  };

  const stopEditing = () => {
    setEditing(null);
    setProblem(null);
  };

  const inputId = `stock-${level.warehouseId}`;
  const unstocked = isUnstocked(level);
  // The API refuses adjustments of split stock (STOCK_SPLIT): the units live on the shards until they are merged.
  const split = level.shards > 0;
  return (
    <tr className="align-top">
      <th scope="row" className="px-4 py-3 font-medium">
        {warehouse}
        {level.lowStock && !unstocked ? (
          <Badge tone="amber" className="ml-2">
            low
          </Badge>
        ) : null}
      </th>
      <td className="px-4 py-3">
        {editing ? (
          <form onSubmit={(event) => void save(event)} onKeyDown={(event) => event.key === 'Escape' && stopEditing()} className="flex flex-col gap-2">
            <div className="flex flex-wrap items-center gap-2">
              <label htmlFor={inputId} className="sr-only">
                Available units in {warehouse}
              </label>
              <input
                id={inputId}
                type="number"
                min={0}
                inputMode="numeric"
                value={value}
                autoFocus
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? `${inputId}-problem` : undefined}
                onChange={(event) => setValue(event.target.value)}
                className="h-9 w-24 rounded-md border border-stone-300 px-2 focus:outline-2 focus:outline-emerald-600"
              />
              <Button type="submit" size="sm" loading={fetching}>
                Save
              </Button>
              <Button size="sm" variant="ghost" onClick={stopEditing}>
                Cancel
              </Button>
            </div>
            {problem ? (
              <div id={`${inputId}-problem`} role="alert" className="flex flex-col gap-2 rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-900">
                <span>{problem.message}</span>
                {problem.kind === 'conflict' ? (
                  <Button
                    size="sm"
                    variant="secondary"
                    className="w-fit"
                    onClick={() => {
                      stopEditing();
                      onReload();
                    }}
                  >
                    Reload the current stock
                  </Button>
                ) : null}
              </div>
            ) : null}
          </form>
        ) : (
          <div className="flex flex-wrap items-center gap-3">
            <span className="w-10 tabular-nums">{level.available}</span>
            <Button
              size="sm"
              variant="secondary"
              aria-label={unstocked ? `Add stock in ${warehouse}` : `Edit available units in ${warehouse}`}
              aria-describedby={split ? `${inputId}-split` : undefined}
              disabled={split}
              onClick={startEditing}
            >
              {unstocked ? 'Add stock' : 'Edit'}
            </Button>
            {unstocked ? <span className="text-xs text-stone-500">none here yet</span> : null}
            {split ? (
              <span id={`${inputId}-split`} className="text-xs text-stone-500">
                Split for a sale: merge the shards to edit
              </span>
            ) : null}
          </div>
        )}
      </td>
      <td className="px-4 py-3 text-right tabular-nums">{level.reserved}</td>
      <td className="px-4 py-3 text-right tabular-nums">{level.shipped}</td>
      <td className="px-4 py-3">
        {unstocked ? null : <StockShards level={level} warehouse={warehouse} splitAutomatically={splitAutomatically} onReload={onReload} />}
      </td>
      <td className="px-4 py-3 text-right text-xs text-stone-500 tabular-nums">v{level.version}</td>
    </tr>
  );
}
