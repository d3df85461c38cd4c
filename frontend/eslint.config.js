import { readdirSync } from 'node:fs';

import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// bulletproof-react's unidirectional layout: shared code → features → app. A feature imports only
// itself and shared code (through `@/`); routes in src/app compose features.
const noParentEscape = {
  group: ['../../*', '../../../*'],
  message: 'Reach outside your folder through the @/ alias, so the boundary rules can see it.',
};

const featureBoundaries = features.map((feature) => ({
  files: [`src/features/${feature}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@/features/*', `!@/features/${feature}`, `!@/features/${feature}/**`],
            message: 'Features do not import each other: compose them in src/app.',
          },
          { group: ['@/app', '@/app/**'], message: 'Features do not import the app layer.' },
          noParentEscape,
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist', 'src/gql', 'test-results', 'playwright-report', 'node_modules'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/components/**/*.{ts,tsx}', 'src/lib/**/*.{ts,tsx}', 'src/stores/**/*.{ts,tsx}', 'src/testing/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/features/*', '@/app', '@/app/**'], message: 'Shared code imports neither features nor the app.' },
            noParentEscape,
          ],
        },
      ],
    },
  },
  ...featureBoundaries,
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['e2e/**/*.ts', '*.config.{js,ts}', 'codegen.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'react-hooks/rules-of-hooks': 'off', 'no-console': 'off' },
  },
);
