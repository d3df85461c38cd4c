import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the committed SDL: no server needed, so `npm run codegen` works offline.
// The output (src/gql/) is generated, not committed: it cannot drift from the schema, and codegen
// fails when an operation asks for something the schema does not have.
const config: CodegenConfig = {
  schema: '../graphql_api/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  errorsOnly: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        skipTypename: true,
        strictScalars: true,
        scalars: { Date: 'string', DateTime: 'string', JSON: 'Record<string, unknown>' },
      },
    },
  },
};

export default config;
