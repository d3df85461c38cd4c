import { graphql } from '@/gql';

export const ProductDetailQuery = graphql(`
  query ProductDetail($id: ID!) {
    product(id: $id) {
      ...ProductCardFields
      description
      active
    }
  }
`);
