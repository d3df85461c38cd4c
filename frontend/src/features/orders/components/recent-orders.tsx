import { Link } from 'react-router';

import { ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDateTime } from '@/lib/dates';
import { formatMoney } from '@/lib/money';
import { useDocumentTitle } from '@/lib/use-document-title';
import { newestFirst, useOrderAccess } from '@/stores/order-access';

/** The orders placed from this browser: their access tokens live here, so this is where to find them. */
export function RecentOrders() {
  useDocumentTitle('Your orders');
  const orders = newestFirst(useOrderAccess((state) => state.orders));
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Your orders</h1>
        <p className="mt-1 text-sm text-stone-600">Orders placed from this browser.</p>
      </div>
      {orders.length === 0 ? (
        <EmptyState title="No orders yet" action={<ButtonLink to="/">Start shopping</ButtonLink>}>
          When you place an order, you can follow it from here.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
          {orders.map((order) => (
            <li key={order.orderId}>
              <Link to={`/orders/${order.orderId}`} className="flex flex-col gap-1 p-4 hover:bg-stone-50 sm:flex-row sm:items-center sm:justify-between">
                <span className="font-medium wrap-anywhere">Order {order.orderId}</span>
                <span className="text-sm text-stone-600">
                  {formatDateTime(order.placedAt)} · {formatMoney(order.total)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
