import { graphql } from '@/gql';

export const ProductCardFields = graphql(`
  fragment ProductCardFields on Product {
    id
    sku
    name
    category
    imageUrl
    price {
      amount
      currency
    }
    availability {
      available
      state
    }
  }
`);
