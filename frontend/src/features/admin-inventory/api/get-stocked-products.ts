import { graphql } from '@/gql';

export const StockedProductsQuery = graphql(`
  query StockedProducts($after: String) {
    adminProducts(active: true, first: 50, after: $after) {
      edges {
        node {
          id
          sku
          name
          category
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
