import { graphql } from '@/gql';

export const AdminLoginMutation = graphql(`
  mutation AdminLogin($username: String!, $password: String!) {
    adminLogin(username: $username, password: $password) {
      token
      expiresAt
      username
      errors {
        field
        code
        message
      }
    }
  }
`);
