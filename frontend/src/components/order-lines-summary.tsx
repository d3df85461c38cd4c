import type { ReactNode } from 'react';

import { formatMoney, type Money } from '@/lib/money';

type SummaryLine = { productId: string; name: string; quantity: number; total: Money };

/** An order's lines, subtotal, shipping and total; `children` adds rows (payment amounts) below the total. */
export function OrderLinesSummary({
  lines,
  subtotal,
  shipping,
  total,
  children,
}: {
  lines: readonly SummaryLine[];
  subtotal: Money;
  shipping: Money;
  total: Money;
  children?: ReactNode;
}) {
  return (
    <>
      <ul className="flex flex-col gap-2 text-sm">
        {lines.map((line) => (
          <li key={line.productId} className="flex justify-between gap-3">
            <span>
              {line.quantity} × {line.name}
            </span>
            <span className="font-medium">{formatMoney(line.total)}</span>
          </li>
        ))}
      </ul>
      <dl className="mt-4 flex flex-col gap-2 border-t border-stone-200 pt-4 text-sm">
        <div className="flex justify-between">
          <dt>Subtotal</dt>
          <dd>{formatMoney(subtotal)}</dd>
        </div>
        <div className="flex justify-between">
          <dt>Shipping</dt>
          <dd>{shipping.amount === 0 ? 'Free' : formatMoney(shipping)}</dd>
        </div>
        <div className="flex justify-between border-t border-stone-200 pt-2 text-base font-semibold">
          <dt>Total</dt>
          <dd data-testid="order-total">{formatMoney(total)}</dd>
        </div>
        {children}
      </dl>
    </>
  );
}
