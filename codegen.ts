import type { CodegenConfig } from '@graphql-codegen/cli';

// Types for every AniList operation come from the vendored schema, never by hand.
// The output is committed, so builds and reviews need neither network access nor a codegen run;
// test/anilist/operations.test.ts fails when it drifts from the .graphql files.
const config: CodegenConfig = {
  schema: 'src/anilist/schema.graphql',
  documents: ['src/anilist/operations/**/*.graphql'],
  generates: {
    'src/anilist/generated/': {
      preset: 'client',
      presetConfig: {
        // Fragments only share selections here; masking would add an unwrapping step for nothing.
        fragmentMasking: false,
      },
      config: {
        // NodeNext + verbatimModuleSyntax: type-only imports and explicit .js extensions.
        useTypeImports: true,
        importExtension: '.js',
        // String unions instead of TS enums: no runtime code, erasable under isolatedModules.
        enumsAsTypes: true,
        // Emit only what the operations use, not all ~200 schema types.
        onlyOperationTypes: true,
        skipTypename: true,
        // Custom scalars AniList declares; only Json would otherwise become `any`.
        scalars: { Json: 'unknown', CountryCode: 'string', FuzzyDateInt: 'number' },
      },
    },
  },
};

export default config;
