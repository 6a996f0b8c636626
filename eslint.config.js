// Type-aware lint. Module boundaries: a lib is entered only through `@lienthong/<lib>` (its
// index.ts), never by deep path or by a relative path that leaves the package; libs never import apps.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const crossPackage = {
  group: ['@lienthong/*/*', '**/libs/*/src/**', '../../libs/**', '../../../libs/**'],
  message: 'Import a lib only through its door: @lienthong/<lib>.',
};

export default tseslint.config(
  // Plain-JS helpers run by node before the build (not part of the TypeScript project).
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.lienthong/**', '*.config.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest modules are decorated empty classes by design.
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-restricted-imports': ['error', { patterns: [crossPackage] }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            crossPackage,
            { group: ['**/apps/**', '@lienthong-apps/*'], message: 'Libs never import apps.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
