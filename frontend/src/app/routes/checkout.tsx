import { useNavigate, useParams } from 'react-router';

import { PaymentStep } from '@/features/checkout/components/payment-step';
import { ShippingStep } from '@/features/checkout/components/shipping-step';
import { useDocumentTitle } from '@/lib/use-document-title';

import type { OrderRouteState } from './order';

export function CheckoutShippingRoute() {
  useDocumentTitle('Checkout');
  return <ShippingStep />;
}

export function CheckoutPaymentRoute() {
  const { orderId = '' } = useParams();
  const navigate = useNavigate();
  return (
    <PaymentStep
      key={orderId}
      orderId={orderId}
      onPaid={(paidOrderId) => {
        const state: OrderRouteState = { paidAt: Date.now() };
        void navigate(`/orders/${paidOrderId}`, { replace: true, state });
      }}
    />
  );
}
