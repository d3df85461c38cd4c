import type { OrderStatus } from '@/gql/graphql';

type Tone = 'green' | 'amber' | 'red' | 'gray' | 'blue';

/** Each status as a shopper or an admin reads it, and the badge colour it gets. */
export const ORDER_STATUS: Record<OrderStatus, { label: string; tone: Tone; description: string }> = {
  PENDING_PAYMENT: { label: 'Awaiting payment', tone: 'amber', description: 'The order is placed and waits for payment.' },
  PAYMENT_FAILED: { label: 'Payment failed', tone: 'red', description: 'The card was declined; another card can be tried.' },
  AUTHORIZED: { label: 'Payment authorized', tone: 'blue', description: 'The payment is authorized; we are reserving your items.' },
  RESERVED: { label: 'Being packed', tone: 'blue', description: 'Your items are reserved in the warehouse.' },
  CAPTURED: { label: 'Paid', tone: 'blue', description: 'The payment is captured and the parcel is being prepared.' },
  SHIPPED: { label: 'Shipped', tone: 'green', description: 'The parcel is with the carrier.' },
  FULFILLED: { label: 'Complete', tone: 'green', description: 'The order is shipped and complete.' },
  COMPENSATING: { label: 'Being cancelled', tone: 'amber', description: 'Something went wrong; the order is being undone.' },
  FAILED: { label: 'Failed', tone: 'red', description: 'The order could not be fulfilled; any payment is released or refunded.' },
  CANCELLED: { label: 'Cancelled', tone: 'gray', description: 'The order was cancelled; any payment is released or refunded.' },
  EXPIRED: { label: 'Expired', tone: 'gray', description: 'The order was not paid in time.' },
};

export const ORDER_STATUSES = Object.keys(ORDER_STATUS) as OrderStatus[];
