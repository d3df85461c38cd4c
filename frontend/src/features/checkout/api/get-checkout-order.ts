import { graphql } from '@/gql';

export const CheckoutOrderQuery = graphql(`
  query CheckoutOrder($id: ID!, $accessToken: String!) {
    order(id: $id, accessToken: $accessToken) {
      id
      email
      status
      lines {
        productId
        name
        quantity
        unitPrice {
          amount
          currency
        }
        total {
          amount
          currency
        }
      }
      subtotal {
        amount
        currency
      }
      shipping {
        amount
        currency
      }
      total {
        amount
        currency
      }
      shippingAddress {
        name
        line1
        line2
        city
        region
        postalCode
        country
      }
      payment {
        status
        failureReason
      }
    }
  }
`);
