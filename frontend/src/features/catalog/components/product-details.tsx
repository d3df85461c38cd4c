import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { QuantityInput } from '@/components/ui/quantity-input';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { formatMoney } from '@/lib/money';
import { useDocumentTitle } from '@/lib/use-document-title';
import { MAX_QUANTITY } from '@/stores/cart';

import { ProductDetailQuery } from '../api/get-product';
import { addToCart } from './add-to-cart';
import { ProductImage } from './product-image';
import { StockBadge } from './stock-badge';

export function ProductDetails({ productId }: { productId: string }) {
  const navigate = useNavigate();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ProductDetailQuery,
    variables: { id: productId },
    requestPolicy: 'cache-and-network',
  });
  const [quantity, setQuantity] = useState(1);
  const product = data?.product;
  useDocumentTitle(product?.name ?? (fetching ? null : 'Product not found'));

  if (fetching && !data) {
    return (
      <LoadingRegion label="Loading product">
        <div className="grid gap-8 md:grid-cols-2">
          <Skeleton className="aspect-square w-full" />
          <div className="flex flex-col gap-4">
            <Skeleton className="h-8 w-2/3" />
            <Skeleton className="h-6 w-24" />
            <Skeleton className="h-20 w-full" />
          </div>
        </div>
      </LoadingRegion>
    );
  }
  if (error && !data) {
    return (
      <Alert title="We could not load this product.">
        <Button variant="secondary" size="sm" className="mt-3" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (!product || !product.active) {
    return (
      <EmptyState title="This product is not available" action={<ButtonLink to="/">Browse the catalog</ButtonLink>}>
        It may have been removed from the catalog.
      </EmptyState>
    );
  }

  const { available, state } = product.availability;
  const soldOut = state === 'OUT_OF_STOCK';
  const max = Math.max(1, Math.min(MAX_QUANTITY, available));
  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-600">
        <ol className="flex flex-wrap items-center gap-1">
          <li>
            <Link to="/" className="hover:underline">
              All gear
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li>
            <Link to={`/?category=${encodeURIComponent(product.category)}`} className="capitalize hover:underline">
              {product.category}
            </Link>
          </li>
        </ol>
      </nav>
      <div className="grid gap-8 md:grid-cols-2">
        <ProductImage
          src={product.imageUrl}
          name={product.name}
          alt={product.name}
          className="aspect-[4/3] w-full rounded-lg border border-stone-200 bg-white"
        />
        <div className="flex flex-col gap-4">
          <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{product.name}</h1>
          <p className="text-2xl font-semibold">{formatMoney(product.price)}</p>
          <div className="flex items-center gap-3">
            <StockBadge state={state} available={available} />
            <span className="text-xs text-stone-500">SKU {product.sku}</span>
          </div>
          <p className="text-stone-700">{product.description}</p>
          <form
            className="mt-2 flex flex-wrap items-end gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              addToCart(
                {
                  productId: product.id,
                  sku: product.sku,
                  name: product.name,
                  imageUrl: product.imageUrl,
                  unitPrice: product.price,
                  available,
                },
                quantity,
                () => void navigate('/cart'),
              );
            }}
          >
            {soldOut ? null : <QuantityInput label="Quantity" showLabel value={Math.min(quantity, max)} max={max} onChange={setQuantity} />}
            <Button type="submit" size="lg" disabled={soldOut}>
              {soldOut ? 'Out of stock' : 'Add to cart'}
            </Button>
          </form>
        </div>
      </div>
    </div>
  );
}
