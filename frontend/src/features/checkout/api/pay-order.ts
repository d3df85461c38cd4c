import { graphql } from '@/gql';

export const PayOrderMutation = graphql(`
  mutation PayOrder($orderId: ID!, $accessToken: String!, $cardToken: String) {
    payOrder(orderId: $orderId, accessToken: $accessToken, cardToken: $cardToken) {
      outcome
      clientSecret
      declineReason
      errors {
        field
        code
        message
      }
      order {
        id
        status
      }
    }
  }
`);
