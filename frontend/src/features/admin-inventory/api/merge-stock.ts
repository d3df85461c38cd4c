import { graphql } from '@/gql';

/** Folds a split level's shards back into one item (idempotent: stock not split is answered as it is). */
export const MergeStockMutation = graphql(`
  mutation MergeStock($productId: ID!, $warehouseId: ID!) {
    mergeStock(productId: $productId, warehouseId: $warehouseId) {
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
