import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';

import { OrderStatusBadge } from '@/components/order-status-badge';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField, TextField } from '@/components/ui/field';
import { Spinner } from '@/components/ui/spinner';
import type { AdminOrderFilter, OrderStatus } from '@/gql/graphql';
import { formatDateTime } from '@/lib/dates';
import { formatMoney } from '@/lib/money';
import { ORDER_STATUS, ORDER_STATUSES } from '@/lib/order-status';
import { useDocumentTitle } from '@/lib/use-document-title';

import { ADMIN_ORDERS_PAGE_SIZE, AdminOrdersQuery } from '../api/get-admin-orders';

type Filters = { status: string; email: string; from: string; to: string };

function filterOf(filters: Filters): AdminOrderFilter {
  return {
    status: (filters.status || null) as OrderStatus | null,
    email: filters.email.trim() || null,
    // Whole days in UTC, both ends included, as the analytics count them.
    createdFrom: filters.from ? `${filters.from}T00:00:00.000Z` : null,
    createdTo: filters.to ? `${filters.to}T23:59:59.999Z` : null,
  };
}

export function OrdersTable() {
  useDocumentTitle('Orders · Admin');
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    status: params.get('status') ?? '',
    email: params.get('email') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const filterKey = JSON.stringify(filters);
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold tracking-tight">Orders</h1>
      <FilterBar
        key={`filters:${filterKey}`}
        filters={filters}
        onApply={(next) => {
          const search = new URLSearchParams();
          for (const [name, value] of Object.entries(next)) if (value.trim()) search.set(name, value.trim());
          setParams(search);
        }}
      />
      <ResultPages key={`results:${filterKey}`} filter={filterOf(filters)} />
    </div>
  );
}

function FilterBar({ filters, onApply }: { filters: Filters; onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState(filters);
  const [error, setError] = useState<string | null>(null);
  const set = (name: keyof Filters) => (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setError('The “to” date is before the “from” date');
      return;
    }
    setError(null);
    onApply(draft);
  };
  return (
    <form role="search" aria-label="Filter orders" onSubmit={submit} className="grid gap-3 rounded-lg border border-stone-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto] lg:items-end">
      <SelectField label="Status" value={draft.status} onChange={(event) => onApply({ ...draft, status: event.target.value })}>
        <option value="">Any status</option>
        {ORDER_STATUSES.map((status) => (
          <option key={status} value={status}>
            {ORDER_STATUS[status].label}
          </option>
        ))}
      </SelectField>
      <TextField label="Customer email" type="search" value={draft.email} onChange={set('email')} placeholder="name@example.com" />
      <TextField label="Placed from" type="date" value={draft.from} onChange={set('from')} error={error ?? undefined} optional />
      <TextField label="Placed to" type="date" value={draft.to} onChange={set('to')} optional />
      <div className="flex gap-2">
        <Button type="submit">Apply</Button>
        <Button
          variant="ghost"
          onClick={() => {
            setDraft({ status: '', email: '', from: '', to: '' });
            onApply({ status: '', email: '', from: '', to: '' });
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}

/** One page at a time; "Previous" walks back a stack of the cursors seen (the API pages forward only). */
function ResultPages({ filter }: { filter: AdminOrderFilter }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors.at(-1) ?? null;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: AdminOrdersQuery,
    variables: { filter, first: ADMIN_ORDERS_PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const connection = data?.adminOrders;

  if (error && !connection) {
    return (
      <Alert title="The orders could not be loaded.">
        <Button variant="secondary" size="sm" className="mt-3" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (!connection) {
    return (
      <div className="flex justify-center p-8">
        <Spinner label="Loading orders…" />
      </div>
    );
  }
  if (connection.edges.length === 0) {
    return <EmptyState title="No orders match these filters">Try another status, email or date range.</EmptyState>;
  }
  const page = cursors.length;
  return (
    <div className="flex flex-col gap-3">
      <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
        <table className="w-full min-w-[44rem] text-left text-sm">
          <caption className="sr-only">Orders, newest first</caption>
          <thead className="border-b border-stone-200 bg-stone-50 text-xs text-stone-600 uppercase">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">Order</th>
              <th scope="col" className="px-4 py-3 font-medium">Placed</th>
              <th scope="col" className="px-4 py-3 font-medium">Customer</th>
              <th scope="col" className="px-4 py-3 font-medium">Status</th>
              <th scope="col" className="px-4 py-3 text-right font-medium">Units</th>
              <th scope="col" className="px-4 py-3 text-right font-medium">Total</th>
              <th scope="col" className="px-4 py-3 font-medium">Payment</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {connection.edges.map(({ node }) => (
              <tr key={node.id} className="hover:bg-stone-50">
                <th scope="row" className="px-4 py-3 font-mono text-xs font-medium">
                  <Link to={`/admin/orders/${node.id}`} className="text-emerald-800 underline">
                    {node.id}
                  </Link>
                </th>
                <td className="px-4 py-3 whitespace-nowrap">{formatDateTime(node.createdAt)}</td>
                <td className="px-4 py-3">{node.email}</td>
                <td className="px-4 py-3">
                  <OrderStatusBadge status={node.status} />
                </td>
                <td className="px-4 py-3 text-right">{node.units}</td>
                <td className="px-4 py-3 text-right whitespace-nowrap">{formatMoney(node.total)}</td>
                <td className="px-4 py-3 text-xs text-stone-600">{node.paymentStatus.toLowerCase().replaceAll('_', ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="flex items-center justify-between gap-3">
        <Button variant="secondary" size="sm" disabled={page === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </Button>
        <span className="text-sm text-stone-600" aria-live="polite">
          Page {page}
          {fetching ? ' · updating…' : ''}
        </span>
        <Button
          variant="secondary"
          size="sm"
          disabled={!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor}
          onClick={() => setCursors([...cursors, connection.pageInfo.endCursor])}
        >
          Next
        </Button>
      </nav>
    </div>
  );
}
