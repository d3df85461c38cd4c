import type { OrderStatus } from '@/gql/graphql';
import { ORDER_STATUS } from '@/lib/order-status';

import { Badge } from './ui/badge';

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const { label, tone } = ORDER_STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
}
