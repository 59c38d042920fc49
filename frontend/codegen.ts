import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed operations from the committed schema: every `graphql(...)` document in src/ becomes a
// TypedDocumentString (no GraphQL runtime in the bundle). The output is generated, not committed;
// `npm run typecheck` regenerates it and type-checks, so a schema change that breaks an
// operation or a component fails CI.
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.graphql"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          Date: "string",
          Time: "string",
          DateTime: "string",
          JSON: "unknown",
          GlobalID: "string",
          Decimal: "string",
          Upload: "File",
          Void: "null",
          UUID: "string",
        },
        skipTypename: false,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
};

export default config;
