import { graphql } from '@/gql';

export const CheckoutOrderQuery = graphql(`
  query CheckoutOrder($id: ID!, $accessToken: String!) {
    order(id: $id, accessToken: $accessToken) {
      id
      email
      status
      lines {
        ...OrderLineFields
        sku
      }
      subtotal {
        ...MoneyFields
      }
      shipping {
        ...MoneyFields
      }
      total {
        ...MoneyFields
      }
      shippingAddress {
        ...AddressFields
      }
      payment {
        status
        failureReason
      }
      heldUntil
    }
  }
`);
