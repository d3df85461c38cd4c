import { graphql } from '@/gql';

export const AdminOrderQuery = graphql(`
  query AdminOrder($id: ID!) {
    adminOrder(id: $id) {
      id
      email
      status
      cancellable
      paymentIntentId
      failureReason
      createdAt
      updatedAt
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
        id
        at
        kind
        message
        status
        step
        attempt
        detail
      }
    }
  }
`);
