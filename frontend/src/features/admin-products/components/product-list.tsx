import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { toast } from 'sonner';
import { useMutation, useQuery } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Spinner } from '@/components/ui/spinner';
import type { AdminProductFieldsFragment } from '@/gql/graphql';
import { formatMoney } from '@/lib/money';
import { useDocumentTitle } from '@/lib/use-document-title';

import { AdminProductsQuery } from '../api/get-products';
import { DeactivateProductMutation, ReactivateProductMutation } from '../api/product-mutations';

export function ProductList() {
  useDocumentTitle('Products · Admin');
  const [params, setParams] = useSearchParams();
  const active = params.get('show') !== 'inactive';
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [{ data, error }, refetch] = useQuery({
    query: AdminProductsQuery,
    variables: { active, after: cursors.at(-1) ?? null },
    requestPolicy: 'cache-and-network',
  });
  const connection = data?.adminProducts;
  const tab = (isActive: boolean, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={active === isActive}
      onClick={() => {
        setCursors([null]);
        setParams(isActive ? {} : { show: 'inactive' });
      }}
      className={cn(
        'h-9 rounded-md px-3 text-sm font-medium',
        active === isActive ? 'bg-emerald-700 text-white' : 'text-stone-700 hover:bg-stone-100',
      )}
    >
      {label}
    </button>
  );

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold tracking-tight">Products</h1>
        <ButtonLink to="/admin/products/new">New product</ButtonLink>
      </div>
      <div role="tablist" aria-label="Which products" className="flex gap-2">
        {tab(true, 'On sale')}
        {tab(false, 'Deactivated')}
      </div>
      {error && !connection ? (
        <Alert title="Products could not be loaded.">
          <Button variant="secondary" size="sm" className="mt-3" onClick={() => refetch({ requestPolicy: 'network-only' })}>
            Try again
          </Button>
        </Alert>
      ) : !connection ? (
        <Spinner label="Loading products…" />
      ) : connection.edges.length === 0 ? (
        <EmptyState title={active ? 'No products on sale' : 'No deactivated products'}>
          {active ? 'Create one to start selling.' : 'Deactivated products appear here and can be sold again.'}
        </EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
            <table className="w-full min-w-[40rem] text-left text-sm">
              <caption className="sr-only">{active ? 'Products on sale' : 'Deactivated products'}</caption>
              <thead className="border-b border-stone-200 bg-stone-50 text-xs text-stone-600 uppercase">
                <tr>
                  <th scope="col" className="px-4 py-3 font-medium">Product</th>
                  <th scope="col" className="px-4 py-3 font-medium">SKU</th>
                  <th scope="col" className="px-4 py-3 font-medium">Category</th>
                  <th scope="col" className="px-4 py-3 text-right font-medium">Price</th>
                  <th scope="col" className="px-4 py-3 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {connection.edges.map(({ node }) => (
                  <ProductRow key={node.id} product={node} />
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pages" className="flex items-center justify-between">
            <Button variant="secondary" size="sm" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </Button>
            <span className="text-sm text-stone-600">Page {cursors.length}</span>
            <Button
              variant="secondary"
              size="sm"
              disabled={!connection.pageInfo.hasNextPage}
              onClick={() => setCursors([...cursors, connection.pageInfo.endCursor])}
            >
              Next
            </Button>
          </nav>
        </>
      )}
    </div>
  );
}

function ProductRow({ product }: { product: AdminProductFieldsFragment }) {
  const [confirming, setConfirming] = useState(false);
  const [deactivation, deactivate] = useMutation(DeactivateProductMutation);
  const [reactivation, reactivate] = useMutation(ReactivateProductMutation);
  const context = { additionalTypenames: ['AdminProduct', 'AdminProductConnection'] };

  const setActive = async (active: boolean) => {
    const result = active ? await reactivate({ id: product.id }, context) : await deactivate({ id: product.id }, context);
    setConfirming(false);
    const payload = result.data && ('reactivateProduct' in result.data ? result.data.reactivateProduct : result.data.deactivateProduct);
    const error = payload?.errors[0]?.message ?? (payload ? null : 'The change could not be sent');
    if (error) toast.error(`${product.name}: ${error}`);
    else toast.success(active ? `${product.name} is on sale again.` : `${product.name} is no longer sold.`);
  };

  return (
    <tr>
      <th scope="row" className="px-4 py-3 font-medium">
        <Link to={`/admin/products/${product.id}`} className="text-emerald-800 hover:underline">
          {product.name}
        </Link>
      </th>
      <td className="px-4 py-3 font-mono text-xs">{product.sku}</td>
      <td className="px-4 py-3 capitalize">{product.category}</td>
      <td className="px-4 py-3 text-right">{formatMoney(product.price)}</td>
      <td className="px-4 py-3 text-right whitespace-nowrap">
        <ButtonLink to={`/admin/inventory/${product.id}`} size="sm" variant="ghost">
          Stock
        </ButtonLink>
        {product.active ? (
          <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setConfirming(true)}>
            Deactivate
          </Button>
        ) : (
          <Button size="sm" variant="ghost" loading={reactivation.fetching} onClick={() => void setActive(true)}>
            Reactivate
          </Button>
        )}
        <ConfirmDialog
          open={confirming}
          title={`Stop selling ${product.name}?`}
          confirmLabel="Deactivate"
          cancelLabel="Keep selling"
          tone="danger"
          busy={deactivation.fetching}
          onConfirm={() => void setActive(false)}
          onCancel={() => setConfirming(false)}
        >
          It leaves the shop and cannot be ordered. Orders placed before keep showing it. You can sell it again later.
        </ConfirmDialog>
      </td>
    </tr>
  );
}
