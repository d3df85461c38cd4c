import { useLocation, useParams } from 'react-router';

import { ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { OrderTracking } from '@/features/orders/components/order-tracking';
import { RecentOrders } from '@/features/orders/components/recent-orders';
import { FAST_WINDOW_MS } from '@/features/orders/lib/poll-schedule';
import { selectAccessToken, useOrderAccess } from '@/stores/order-access';

/** Set by checkout when it navigates here after payment (kept by the history across reloads). */
export type OrderRouteState = { paidAt?: number };

export function OrdersRoute() {
  return <RecentOrders />;
}

export function OrderRoute() {
  const { orderId = '' } = useParams();
  const location = useLocation();
  // The API shows an order only with the token placeOrder returned; it is kept on this device.
  const accessToken = useOrderAccess(selectAccessToken(orderId));

  if (!accessToken) {
    return (
      <EmptyState title="We can’t show this order here" action={<ButtonLink to="/orders">Your orders</ButtonLink>}>
        Orders can be followed from the browser they were placed in.
      </EmptyState>
    );
  }
  const { paidAt } = (location.state ?? {}) as OrderRouteState;
  const justPaid = typeof paidAt === 'number';
  return (
    <OrderTracking
      key={orderId}
      orderId={orderId}
      accessToken={accessToken}
      fastUntil={justPaid ? paidAt + FAST_WINDOW_MS : null}
      justPaid={justPaid}
    />
  );
}
