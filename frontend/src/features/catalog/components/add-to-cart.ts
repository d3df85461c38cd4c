import { toast } from 'sonner';

import { useCart, type CartProduct } from '@/stores/cart';

type Addable = CartProduct & { available: number };

/** Adds to the cart without going past what is in stock, and says what happened. */
export function addToCart(product: Addable, quantity: number, onViewCart: () => void): void {
  const { items, add } = useCart.getState();
  const inCart = items.find((item) => item.productId === product.productId)?.quantity ?? 0;
  const room = Math.max(0, product.available - inCart);
  if (room === 0) {
    toast.warning(`You already have all ${product.available} available ${product.name} in your cart.`);
    return;
  }
  const { available: _available, ...line } = product;
  const added = Math.min(quantity, room);
  add(line, added);
  const message = added < quantity ? `Only ${added} more ${product.name} available: added ${added}.` : `Added ${product.name} to your cart.`;
  toast.success(message, { action: { label: 'View cart', onClick: onViewCart } });
}
