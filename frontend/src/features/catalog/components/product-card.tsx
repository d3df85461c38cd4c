import { Link, useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import type { ProductCardFieldsFragment } from '@/gql/graphql';
import { formatMoney } from '@/lib/money';

import { addToCart } from './add-to-cart';
import { ProductImage } from './product-image';
import { StockBadge } from './stock-badge';

export function ProductCard({ product }: { product: ProductCardFieldsFragment }) {
  const navigate = useNavigate();
  const soldOut = product.availability.state === 'OUT_OF_STOCK';
  return (
    <article className="group flex w-full flex-col overflow-hidden rounded-lg border border-stone-200 bg-white shadow-xs">
      <Link to={`/products/${product.id}`} className="block focus-visible:outline-2 focus-visible:outline-emerald-600" tabIndex={-1} aria-hidden="true">
        <ProductImage src={product.imageUrl} name={product.name} className="aspect-[4/3] w-full transition group-hover:opacity-90" />
      </Link>
      <div className="flex flex-1 flex-col gap-2 p-4">
        <p className="text-xs font-medium tracking-wide text-stone-500 uppercase">{product.category}</p>
        <h3 className="text-base font-semibold text-stone-900">
          <Link to={`/products/${product.id}`} className="hover:underline focus-visible:outline-2 focus-visible:outline-emerald-600">
            {product.name}
          </Link>
        </h3>
        <div className="mt-auto flex flex-wrap items-center justify-between gap-2 pt-2">
          <span className="text-lg font-semibold">{formatMoney(product.price)}</span>
          <StockBadge state={product.availability.state} available={product.availability.available} />
        </div>
        <Button
          variant="secondary"
          size="sm"
          disabled={soldOut}
          aria-label={soldOut ? `${product.name} is out of stock` : `Add ${product.name} to cart`}
          onClick={() =>
            addToCart(
              {
                productId: product.id,
                sku: product.sku,
                name: product.name,
                imageUrl: product.imageUrl,
                unitPrice: product.price,
                available: product.availability.available,
              },
              1,
              () => void navigate('/cart'),
            )
          }
        >
          {soldOut ? 'Out of stock' : 'Add to cart'}
        </Button>
      </div>
    </article>
  );
}
