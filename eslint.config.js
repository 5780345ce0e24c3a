import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', '**/dist/**', 'apps/mobile/**', 'apps/server/src/db/migrations/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // Boundaries: agents call feature services, never a repository; a feature uses
  // only its own repository and reaches others through their services.
  {
    files: ['apps/server/src/agents/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/*.repo.ts', '**/*.repo'], allowTypeImports: true, message: 'Agents call feature services, not repositories.' }] },
      ],
    },
  },
  {
    files: ['apps/server/src/features/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*/*.repo.ts', '../../features/*/*.repo.ts'], allowTypeImports: true, message: "A feature uses only its own repository; call the other feature's service." }] },
      ],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'apps/server/src/db/*-cli.ts', '**/*.test.ts', 'apps/server/test/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
