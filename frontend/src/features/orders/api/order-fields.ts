import { graphql } from '@/gql';

export const TimelineEventFields = graphql(`
  fragment TimelineEventFields on OrderEvent {
    id
    at
    type
    message
    status
    step
    attempt
  }
`);

export const ShipmentFields = graphql(`
  fragment ShipmentFields on Shipment {
    id
    warehouseId
    carrier
    trackingNumber
    trackingUrl
    estimatedDelivery
  }
`);

export const PaymentFields = graphql(`
  fragment PaymentFields on Payment {
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
`);
