import { Link } from 'react-router';
import { toast } from 'sonner';

import { Button, ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { QuantityInput } from '@/components/ui/quantity-input';
import { formatMoney, multiply } from '@/lib/money';
import { MAX_QUANTITY, cartSubtotal, useCart, type CartItem } from '@/stores/cart';

export function CartView() {
  const items = useCart((state) => state.items);
  const subtotal = cartSubtotal(items);

  if (items.length === 0 || !subtotal) {
    return (
      <EmptyState title="Your cart is empty" action={<ButtonLink to="/">Browse products</ButtonLink>}>
        Add something from the catalog and it will wait for you here, even if you close the browser.
      </EmptyState>
    );
  }

  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
      <section aria-labelledby="cart-lines-title">
        <h2 id="cart-lines-title" className="sr-only">
          Items
        </h2>
        <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
          {items.map((item) => (
            <CartLine key={item.productId} item={item} />
          ))}
        </ul>
      </section>
      <aside aria-labelledby="cart-summary-title" className="h-fit rounded-lg border border-stone-200 bg-white p-5 lg:sticky lg:top-20">
        <h2 id="cart-summary-title" className="text-lg font-semibold">
          Summary
        </h2>
        <dl className="mt-4 flex flex-col gap-2 text-sm">
          <div className="flex justify-between">
            <dt>Subtotal</dt>
            <dd className="font-semibold" data-testid="cart-subtotal">
              {formatMoney(subtotal)}
            </dd>
          </div>
          <div className="flex justify-between text-stone-600">
            <dt>Shipping</dt>
            <dd>Calculated at checkout</dd>
          </div>
        </dl>
        <ButtonLink to="/checkout" size="lg" className="mt-5 w-full">
          Checkout
        </ButtonLink>
        <Link to="/" className="mt-3 block text-center text-sm text-emerald-800 hover:underline">
          Continue shopping
        </Link>
      </aside>
    </div>
  );
}

function CartLine({ item }: { item: CartItem }) {
  const setQuantity = useCart((state) => state.setQuantity);
  const remove = useCart((state) => state.remove);
  const add = useCart((state) => state.add);
  return (
    <li className="flex gap-4 p-4">
      <img src={item.imageUrl} alt="" className="size-20 shrink-0 rounded-md border border-stone-200 bg-stone-100 object-cover" />
      <div className="flex flex-1 flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h3 className="font-medium">
            <Link to={`/products/${item.productId}`} className="hover:underline">
              {item.name}
            </Link>
          </h3>
          <p className="text-sm text-stone-600">{formatMoney(item.unitPrice)} each</p>
        </div>
        <div className="flex items-center gap-4">
          <QuantityInput
            label={`Quantity of ${item.name}`}
            value={item.quantity}
            max={MAX_QUANTITY}
            onChange={(quantity) => setQuantity(item.productId, quantity)}
          />
          <p className="w-20 text-right font-semibold">{formatMoney(multiply(item.unitPrice, item.quantity))}</p>
        </div>
      </div>
      <Button
        variant="ghost"
        size="sm"
        aria-label={`Remove ${item.name}`}
        onClick={() => {
          const { quantity, ...product } = item;
          remove(item.productId);
          toast(`Removed ${item.name}.`, { action: { label: 'Undo', onClick: () => add(product, quantity) } });
        }}
      >
        <svg viewBox="0 0 20 20" aria-hidden="true" className="size-4 fill-current">
          <path d="M8 2a1 1 0 0 0-1 1v1H4a.75.75 0 0 0 0 1.5h.3l.8 10.1A2 2 0 0 0 7.1 17.5h5.8a2 2 0 0 0 2-1.9l.8-10.1h.3a.75.75 0 0 0 0-1.5h-3V3a1 1 0 0 0-1-1H8Zm3.5 2h-3v-.5h3V4Z" />
        </svg>
      </Button>
    </li>
  );
}
