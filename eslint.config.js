// ESLint flat config (CommonJS: the root package.json has no "type": "module").
// TypeScript rules run without type information, so `eslint .` stays fast; `tsc -b` type-checks.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { defineConfig, globalIgnores } = require('eslint/config');

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const TEST_FILES = ['services/*/src/**/*.test.ts']; // also matches *.int.test.ts

// The deployable services. services/common is the shared library: it may import none of them.
const SERVICES = ['agent-core', 'gateway-api', 'adapter-host', 'scheduler', 'cli'];
const PACKAGE_OF = {
  'agent-core': '@cliver/agent-core',
  'gateway-api': '@cliver/gateway-api',
  'adapter-host': '@cliver/adapter-host',
  scheduler: '@cliver/scheduler',
  cli: '@cliver/cli',
};

const BETTER_SQLITE3 = {
  name: 'better-sqlite3',
  message: "Only agent-core's store/ opens SQLite; other code reads and writes through agent-core's gRPC API.",
};

// no-restricted-imports options for code in services/<self>/src (self = 'common' for the library).
// Options of one rule do not merge across config objects, so each object gets the full list.
function importBoundaries(self, { allowSqlite }) {
  const others = SERVICES.filter((svc) => svc !== self);
  const alternation = others.join('|');
  return [
    'error',
    {
      paths: allowSqlite ? [] : [BETTER_SQLITE3],
      patterns: [
        {
          group: others.flatMap((svc) => [PACKAGE_OF[svc], `${PACKAGE_OF[svc]}/*`]),
          message: 'No service imports another service. Share code through @cliver/common, talk through gRPC (proto/).',
        },
        {
          group: others.flatMap((svc) => [`../../${svc}`, `../../${svc}/*`, `**/services/${svc}`, `**/services/${svc}/**`]),
          message: "No service imports another service's source. Share code through @cliver/common.",
        },
        {
          // The same from deeper files: three or more ../ climbing out of src/ into a sibling service.
          // (Dynamic import() is not checked by this rule; tsc's rootDir rejects those anyway.)
          regex: `^(?:\\.\\./){3,}(?:${alternation})(?:/|$)`,
          message: "No service imports another service's source. Share code through @cliver/common.",
        },
      ],
    },
  ];
}

// Tests, the test kit, benchmarks and scripts must run from a fresh clone of this repository
// alone: a literal path into the machine's own folders (a home directory, a work area) or a sibling checkout
// (../shared) works on one machine and nowhere else. Data a test needs lives under test/.
const OUTSIDE_PATH = String.raw`^\/(?:work|home|root|Users|mnt|opt|srv|data)\/|(?:^|\/)\.\.\/shared(?:\/|$)`;
const OUTSIDE_PATH_MESSAGE =
  'Tests and scripts read nothing outside the repository (a user\'s clone has no such path): copy the data under test/ and find it relative to the file (FIXTURE_HOME, REPO_ROOT).';
const NO_OUTSIDE_PATHS = [
  'error',
  { selector: `Literal[value=/${OUTSIDE_PATH}/]`, message: OUTSIDE_PATH_MESSAGE },
  { selector: `TemplateElement[value.raw=/${OUTSIDE_PATH}/]`, message: OUTSIDE_PATH_MESSAGE },
];

// Node's globals for the CommonJS scripts (bin/, scripts/, bench/, config files).
const NODE_GLOBALS = Object.fromEntries(
  [
    'require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer',
    'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
    'queueMicrotask', 'structuredClone', 'performance', 'URL', 'URLSearchParams', 'fetch',
    'AbortController', 'AbortSignal', 'TextEncoder', 'TextDecoder', 'global',
  ].map((name) => [name, 'readonly']),
);

module.exports = defineConfig([
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'services/common/src/gen/', // ts-proto output of `npm run gen`
    'admin-web/dist/',
    'admin-web/build/',
    'coverage/',
    '.test-logs/',
  ]),

  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: NODE_GLOBALS },
  },
  {
    files: ['**/*.mjs', 'admin-web/**/*.js'],
    languageOptions: { sourceType: 'module', globals: NODE_GLOBALS },
  },

  { files: TS_FILES, extends: [tseslint.configs.recommended] },
  {
    files: TS_FILES,
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },

  // Services log through pino (STYLE.md §6); the cli prints to the terminal, tests may print.
  {
    files: ['services/*/src/**/*.ts'],
    ignores: ['services/cli/src/**', ...TEST_FILES],
    rules: { 'no-console': 'error' },
  },

  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'test/**/*.js', 'bench/**/*.js', 'scripts/**/*.js'],
    rules: { 'no-restricted-syntax': NO_OUTSIDE_PATHS },
  },

  // Service boundaries (STYLE.md §1).
  { files: ['services/common/src/**/*.ts'], rules: { 'no-restricted-imports': importBoundaries('common', { allowSqlite: false }) } },
  ...SERVICES.map((svc) => ({
    files: [`services/${svc}/src/**/*.ts`],
    rules: { 'no-restricted-imports': importBoundaries(svc, { allowSqlite: false }) },
  })),
  {
    files: ['services/agent-core/src/store/**/*.ts'],
    rules: { 'no-restricted-imports': importBoundaries('agent-core', { allowSqlite: true }) },
  },
]);
