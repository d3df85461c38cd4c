import { graphql } from '@/gql';

export const OrderDetailQuery = graphql(`
  query OrderDetail($id: ID!, $accessToken: String!) {
    order(id: $id, accessToken: $accessToken) {
      id
      email
      status
      createdAt
      failureReason
      heldUntil
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
