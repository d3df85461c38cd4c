import { graphql } from '@/gql';

export const OrderDetailQuery = graphql(`
  query OrderDetail($id: ID!, $accessToken: String!) {
    order(id: $id, accessToken: $accessToken) {
      id
      email
      status
      createdAt
      failureReason
      lines {
        productId
        sku
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
        ...PaymentFields
      }
      shipments {
        ...ShipmentFields
      }
      timeline {
        ...TimelineEventFields
      }
    }
  }
`);
