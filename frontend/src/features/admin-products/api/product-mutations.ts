import { graphql } from '@/gql';

export const CreateProductMutation = graphql(`
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      product {
        ...AdminProductFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const UpdateProductMutation = graphql(`
  mutation UpdateProduct($id: ID!, $input: UpdateProductInput!) {
    updateProduct(id: $id, input: $input) {
      product {
        ...AdminProductFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const DeactivateProductMutation = graphql(`
  mutation DeactivateProduct($id: ID!) {
    deactivateProduct(id: $id) {
      product {
        ...AdminProductFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ReactivateProductMutation = graphql(`
  mutation ReactivateProduct($id: ID!) {
    reactivateProduct(id: $id) {
      product {
        ...AdminProductFields
      }
      errors {
        field
        code
        message
      }
    }
  }
`);
