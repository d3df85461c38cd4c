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
        status
        failureReason
        authorized {
          amount
          currency
        }
        captured {
          amount
          currency
        }
        refunded {
          amount
          currency
        }
      }
      shipments {
        id
        warehouseId
        carrier
        trackingNumber
        trackingUrl
        estimatedDelivery
      }
      timeline {
        id
        at
        type
        message
        status
        step
        attempt
        detail
      }
    }
  }
`);
