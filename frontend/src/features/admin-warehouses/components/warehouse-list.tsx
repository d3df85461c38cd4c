import { useMemo } from 'react';
import { useQuery } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useDocumentTitle } from '@/lib/use-document-title';

import { WarehousesQuery } from '../api/get-warehouses';

const degrees = (value: number, positive: string, negative: string) => `${Math.abs(value).toFixed(4)}° ${value < 0 ? negative : positive}`;

export function WarehouseList() {
  useDocumentTitle('Warehouses · Admin');
  // Named so that creating the first warehouse refreshes an empty list (which holds no Warehouse to go by).
  const context = useMemo(() => ({ additionalTypenames: ['Warehouse'] }), []);
  const [{ data, fetching, error }, refetch] = useQuery({ query: WarehousesQuery, context, requestPolicy: 'cache-and-network' });

  if (fetching && !data) {
    return (
      <LoadingRegion label="Loading warehouses">
        <Skeleton className="h-40 w-full" />
      </LoadingRegion>
    );
  }
  if (error && !data) {
    return (
      <Alert title="Warehouses could not be loaded.">
        <Button variant="secondary" size="sm" className="mt-3" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Try again
        </Button>
      </Alert>
    );
  }
  const warehouses = data?.warehouses ?? [];
  if (warehouses.length === 0) {
    return <EmptyState title="No warehouses yet">Create the first one: products can be stocked, and orders shipped, only where a warehouse is.</EmptyState>;
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
      <table className="w-full min-w-[32rem] text-left text-sm">
        <caption className="sr-only">Warehouses</caption>
        <thead className="border-b border-stone-200 bg-stone-50 text-xs text-stone-600 uppercase">
          <tr>
            <th scope="col" className="px-4 py-3 font-medium">Warehouse</th>
            <th scope="col" className="px-4 py-3 font-medium">Region</th>
            <th scope="col" className="px-4 py-3 font-medium">Location</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {warehouses.map((warehouse) => (
            <tr key={warehouse.id}>
              <th scope="row" className="px-4 py-3 font-medium">
                {warehouse.name}
                <span className="block font-mono text-xs font-normal text-stone-500">{warehouse.id}</span>
              </th>
              <td className="px-4 py-3">{warehouse.region}</td>
              <td className="px-4 py-3 tabular-nums">
                {degrees(warehouse.latitude, 'N', 'S')}, {degrees(warehouse.longitude, 'E', 'W')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
