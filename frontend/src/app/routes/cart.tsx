import { CartView } from '@/features/cart/components/cart-view';
import { useDocumentTitle } from '@/lib/use-document-title';

export function CartRoute() {
  useDocumentTitle('Cart');
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold tracking-tight">Your cart</h1>
      <CartView />
    </div>
  );
}
