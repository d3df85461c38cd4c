import { graphql } from '@/gql';

export const WarehousesQuery = graphql(`
  query Warehouses {
    warehouses {
      id
      name
      region
      latitude
      longitude
    }
  }
`);
