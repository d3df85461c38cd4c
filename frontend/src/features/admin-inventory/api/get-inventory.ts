import { graphql } from '@/gql';

/** A product's stock per warehouse and its audit trail, newest first (adjustments, splits and merges, by admins or automatic). */

export const InventoryQuery = graphql(`
  query Inventory($productId: ID!) {
    warehouses {
      id
      name
      region
    }
    inventory(productId: $productId) {
      product {
        id
        sku
        name
        active
        lowStockThreshold
      }
      levels {
        ...StockLevelFields
      }
      adjustments(first: 10) {
        edges {
          node {
            id
            warehouseId
            at
            by
            before
            after
            delta
            version
            note
            kind
            shardsBefore
            shardsAfter
            reserved
          }
        }
      }
    }
  }
`);
