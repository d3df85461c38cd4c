import { graphql } from '@/gql';

// Payment, shipment, money, line and address fragments are shared: see @/lib/graphql/fragments.
export const TimelineEventFields = graphql(`
  fragment TimelineEventFields on OrderEvent {
    id
    at
    kind
    message
    status
    step
    attempt
  }
`);
