import { graphql } from '@/gql';

export const CancelOrderMutation = graphql(`
  mutation CancelOrder($id: ID!, $reason: String!) {
    cancelOrder(id: $id, reason: $reason) {
      errors {
        field
        code
        message
      }
      order {
        id
        status
        cancellable
      }
    }
  }
`);
