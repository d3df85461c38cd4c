import { graphql } from '@/gql';

export const PayOrderMutation = graphql(`
  mutation PayOrder($orderId: ID!, $accessToken: String!, $paymentMethodId: String) {
    payOrder(orderId: $orderId, accessToken: $accessToken, paymentMethodId: $paymentMethodId) {
      outcome
      clientSecret
      declineReason
      retryAfterMs
      shortage {
        sku
        requested
        available
      }
      errors {
        field
        code
        message
      }
      order {
        id
        status
        heldUntil
      }
    }
  }
`);
