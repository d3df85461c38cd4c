import { graphql } from '@/gql';

export const ADMIN_ORDERS_PAGE_SIZE = 20;

export const AdminOrdersQuery = graphql(`
  query AdminOrders($filter: AdminOrderFilter, $first: Int!, $after: String) {
    adminOrders(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          email
          status
          units
          paymentStatus
          failureReason
          createdAt
          total {
            amount
            currency
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
