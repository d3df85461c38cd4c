import type { ProductCardFieldsFragment } from '@/gql/graphql';

import { ProductCard } from './product-card';

export function ProductGrid({ products, label }: { products: readonly ProductCardFieldsFragment[]; label: string }) {
  return (
    <ul aria-label={label} className="grid grid-cols-1 gap-3 min-[340px]:grid-cols-2 sm:gap-4 lg:grid-cols-3 xl:grid-cols-4">
      {products.map((product) => (
        <li key={product.id} className="flex">
          <ProductCard product={product} />
        </li>
      ))}
    </ul>
  );
}

export function ProductGridSkeleton({ count = 8 }: { count?: number }) {
  return (
    <div className="grid grid-cols-1 gap-3 min-[340px]:grid-cols-2 sm:gap-4 lg:grid-cols-3 xl:grid-cols-4" aria-hidden="true">
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="flex flex-col overflow-hidden rounded-lg border border-stone-200 bg-white">
          <div className="aspect-[4/3] animate-pulse bg-stone-200" />
          <div className="flex flex-col gap-3 p-4">
            <div className="h-3 w-16 animate-pulse rounded bg-stone-200" />
            <div className="h-4 w-3/4 animate-pulse rounded bg-stone-200" />
            <div className="h-8 w-full animate-pulse rounded bg-stone-200" />
          </div>
        </div>
      ))}
    </div>
  );
}
