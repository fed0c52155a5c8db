import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';
import { ROOM_NAMES, restrictedImports } from './scripts/rooms.js';

export default ts.config(
  { ignores: ['node_modules/', 'dist/', 'training/', 'public/', 'test/fixtures/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  // Room boundaries (scripts/rooms.js, docs/ARCHITECTURE.md): a forbidden import fails `npm run lint`.
  ...ROOM_NAMES.map((room) => ({
    files: [`src/${room}/**/*.{ts,js,svelte}`],
    rules: { 'no-restricted-imports': ['error', restrictedImports(room)] },
  })),
  {
    files: ['src/App.svelte'],
    rules: { 'no-restricted-imports': ['error', restrictedImports('components')] },
  },
);
