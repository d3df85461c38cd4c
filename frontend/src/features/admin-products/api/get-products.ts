import { graphql } from '@/gql';

export const AdminProductsQuery = graphql(`
  query AdminProducts($active: Boolean!, $after: String) {
    adminProducts(active: $active, first: 20, after: $after) {
      edges {
        node {
          ...AdminProductFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
