import { graphql } from '@/gql';

export const CreateWarehouseMutation = graphql(`
  mutation CreateWarehouse($input: CreateWarehouseInput!) {
    createWarehouse(input: $input) {
      warehouse {
        id
        name
        region
        latitude
        longitude
      }
      errors {
        field
        code
        message
      }
    }
  }
`);
