// Lint: strict TypeScript rules and the layer rules of ARCHITECTURE.md (import cycles are
// checked by test/architecture.test.ts)
// (every layer depends only inward; the simulation core and the renderers are pure).
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  // Tests may read fixtures and captures from disk.
  ignores: ['**/*.test.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'test-results/**', 'playwright-report/**', 'client/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Everything that produces a learner's output is deterministic; only the web layer and the
    // composition root may read the wall clock or draw real randomness.
    files: ['server/sim/**/*.ts', 'server/cli/**/*.ts', 'server/render/**/*.ts', 'server/shell/**/*.ts', 'server/labs/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Randomness comes from the seeded RNG (server/sim/rng.ts).' },
        { object: 'Date', property: 'now', message: 'Time comes from the simulated clock.' },
      ],
    },
  },
  layer(
    ['server/sim/**/*.ts'],
    ['node:*', '**/cli/**', '**/render/**', '**/shell/**', '**/http/**', '**/store/**', '**/labs/**', 'express', 'ws', 'better-sqlite3'],
    'server/sim is the pure core: it depends on nothing outside itself (and ipaddr.js).',
  ),
  layer(
    ['server/render/**/*.ts'],
    ['node:*', '**/sim/**', '**/cli/**', '**/shell/**', '**/http/**', '**/store/**', '**/labs/**'],
    'server/render only formats data it is given.',
  ),
  layer(
    ['server/cli/**/*.ts'],
    ['node:*', '**/shell/**', '**/http/**', '**/store/**', '**/labs/**'],
    'server/cli parses, resolves, calls sim ops and shapes output; no I/O.',
  ),
  layer(
    ['server/shell/**/*.ts'],
    ['**/http/**', '**/store/**'],
    'server/shell knows nothing of the web or the database.',
  ),
  layer(['server/store/**/*.ts'], ['**/http/**', '**/workspace/**'], 'server/store must not depend on the web layer or the workspaces.'),
  layer(['server/workspace/**/*.ts'], ['**/http/**', 'express', 'ws'], 'server/workspace knows nothing of the web: it runs, records and replays.'),
  layer(
    ['server/http/**/*.ts'],
    ['**/shell/**', '**/sim/**', '**/cli/**'],
    'server/http only transports: sessions, replay and commands live in server/workspace.',
  ),
  {
    files: ['client/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**'], allowTypeImports: true, message: 'The client imports server code only as types.' }] },
      ],
    },
  },
);
