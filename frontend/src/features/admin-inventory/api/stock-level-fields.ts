import { graphql } from '@/gql';

/** One warehouse's stock as every admin-inventory operation reads it back (`shards`: 0 unless split for a sale). */
export const StockLevelFields = graphql(`
  fragment StockLevelFields on StockLevel {
    productId
    warehouseId
    available
    reserved
    shipped
    version
    lowStock
    shards
  }
`);
