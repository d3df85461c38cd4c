import { graphql } from '@/gql';

export const PlaceOrderMutation = graphql(`
  mutation PlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      accessToken
      errors {
        field
        code
        message
      }
      order {
        id
        email
        createdAt
        total {
          amount
          currency
        }
      }
    }
  }
`);
