// Lint rules, including the zone boundaries from DESIGN.md (the per-zone tsconfigs enforce
// the same from the type side).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'http', 'https', 'net', 'zlib', 'crypto', 'child_process', 'worker_threads', 'stream', 'url', 'util'];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.tools/**', 'test-results/**', 'out/**', '.vscode-test/**', 'examples/**/node_modules/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: ['./tsconfig.core.json', './tsconfig.host.json', './tsconfig.webview.json', './tsconfig.test.json'] } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode', 'node:*', ...nodeBuiltins, '../../store/*', '../../vscode/*', '../../ingest/*', '../../cli/*', '../../protocol/*'], message: 'src/core is pure: no vscode, DOM, Node or outer-zone imports.' }] }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode', 'node:*', ...nodeBuiltins, '../src/vscode/*', '../src/store/*', '../src/ingest/*', '../src/cli/*'], message: 'The webview imports only src/protocol and core model types.' }] }],
    },
  },
  {
    files: ['src/store/**/*.ts', 'src/ingest/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode', '../vscode/*'], message: 'Only src/vscode talks to VS Code.' }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
