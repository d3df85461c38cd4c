import { graphql } from '@/gql';

export const AdminProductFields = graphql(`
  fragment AdminProductFields on AdminProduct {
    id
    sku
    name
    description
    category
    imageUrl
    active
    lowStockThreshold
    version
    price {
      amount
      currency
    }
  }
`);
