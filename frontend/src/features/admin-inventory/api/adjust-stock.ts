import { graphql } from '@/gql';

export const AdjustStockMutation = graphql(`
  mutation AdjustStock($input: AdjustStockInput!) {
    adjustStock(input: $input) {
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
