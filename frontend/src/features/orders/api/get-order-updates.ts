import { graphql } from '@/gql';

export const OrderUpdatesQuery = graphql(`
  query OrderUpdates($id: ID!, $accessToken: String!, $after: String) {
    orderUpdates(id: $id, accessToken: $accessToken, after: $after) {
      status
      terminal
      cursor
      failureReason
      heldUntil
      payment {
        ...PaymentFields
      }
      shipments {
        ...ShipmentFields
      }
      events {
        ...TimelineEventFields
      }
    }
  }
`);
