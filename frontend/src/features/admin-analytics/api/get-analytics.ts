import { graphql } from '@/gql';

export const AnalyticsQuery = graphql(`
  query Analytics($from: Date!, $to: Date!) {
    analytics(from: $from, to: $to) {
      from
      to
      ordersPlaced
      ordersByStatus {
        status
        count
      }
      revenue {
        currency
        captured {
          amount
          currency
        }
        refunded {
          amount
          currency
        }
        gross {
          amount
          currency
        }
      }
      paymentToShipment {
        shipments
        averageSeconds
        p95Seconds
      }
      failures
      failureRate
      compensations
      compensationRate
      topProducts(limit: 5) {
        productId
        sku
        name
        units
      }
      lowStock {
        product {
          id
          name
          sku
        }
        warehouseId
        available
        threshold
      }
    }
  }
`);
