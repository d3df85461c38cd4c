import { useParams } from 'react-router';

import { ProductDetails } from '@/features/catalog/components/product-details';

export function ProductRoute() {
  const { productId = '' } = useParams();
  return <ProductDetails key={productId} productId={productId} />;
}
