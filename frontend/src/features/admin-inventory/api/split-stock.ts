import { graphql } from '@/gql';

/** Spreads the warehouse's available units over `shards` items (2 to 32), for a sale one item could not take. */
export const SplitStockMutation = graphql(`
  mutation SplitStock($productId: ID!, $warehouseId: ID!, $shards: Int!) {
    splitStock(productId: $productId, warehouseId: $warehouseId, shards: $shards) {
      errors {
        field
        code
        message
      }
      level {
        ...StockLevelFields
      }
    }
  }
`);
