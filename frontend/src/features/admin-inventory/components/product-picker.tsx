import { useMemo, useState } from 'react';
import { NavLink } from 'react-router';
import { useQuery } from 'urql';

import { Alert } from '@/components/ui/alert';
import { cn } from '@/components/ui/cn';
import { TextField } from '@/components/ui/field';
import { Spinner } from '@/components/ui/spinner';

import { StockedProductsQuery } from '../api/get-stocked-products';

/** The products to pick from (first 50; the filter narrows them by name or SKU). */
export function ProductPicker() {
  const [{ data, error }] = useQuery({ query: StockedProductsQuery, variables: { after: null } });
  const [filter, setFilter] = useState('');
  const products = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return (data?.adminProducts.edges ?? [])
      .map((edge) => edge.node)
      .filter((product) => words.every((word) => `${product.name} ${product.sku}`.toLowerCase().includes(word)));
  }, [data, filter]);

  return (
    <div className="flex flex-col gap-3">
      <TextField label="Find a product" type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
      {error && !data ? <Alert>Products could not be loaded.</Alert> : null}
      {!data && !error ? <Spinner label="Loading products…" /> : null}
      <nav aria-label="Products">
        <ul className="flex max-h-[28rem] flex-col overflow-y-auto rounded-lg border border-stone-200 bg-white">
          {products.map((product) => (
            <li key={product.id}>
              <NavLink
                to={`/admin/inventory/${product.id}`}
                className={({ isActive }) =>
                  cn('flex flex-col px-3 py-2 text-sm hover:bg-stone-50', isActive && 'bg-emerald-50 font-medium text-emerald-900')
                }
              >
                {product.name}
                <span className="font-mono text-xs text-stone-500">{product.sku}</span>
              </NavLink>
            </li>
          ))}
          {data && products.length === 0 ? <li className="p-3 text-sm text-stone-600">No product matches.</li> : null}
        </ul>
      </nav>
    </div>
  );
}
