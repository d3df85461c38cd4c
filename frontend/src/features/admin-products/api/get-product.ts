import { graphql } from '@/gql';

// The API has no adminProduct(id); inventory(productId) carries the admin's view of the product.
export const AdminProductQuery = graphql(`
  query AdminProduct($id: ID!) {
    inventory(productId: $id) {
      product {
        ...AdminProductFields
      }
    }
  }
`);
