// One flat config. The engine block enforces DESIGN.md's layer rule: engine/ is pure.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeIo = [
  'fs',
  'net',
  'http',
  'https',
  'child_process',
  'worker_threads',
  'dgram',
  'tls',
  'os',
];

export default tseslint.config(
  { ignores: ['.next/**', '.data/**', 'node_modules/**', 'next-env.d.ts', 'tests/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/db/**',
                '**/datasets/**',
                '**/workers/**',
                '**/server/**',
                '**/app/**',
                '**/components/**',
                '**/scripts/**',
                '@/db/*',
                '@/datasets/*',
                '@/workers/*',
                '@/server/*',
                '@/app/*',
                '@/components/*',
                '@/scripts/*',
                '@/db',
                '@/workers',
                '@/server',
              ],
              message: 'engine/ imports nothing outside itself (DESIGN.md layers).',
            },
            {
              group: [
                ...nodeIo,
                ...nodeIo.map((m) => `node:${m}`),
                ...nodeIo.map((m) => `${m}/*`),
                ...nodeIo.map((m) => `node:${m}/*`),
              ],
              message: 'engine/ is pure: no I/O.',
            },
            {
              group: [
                'ioredis',
                'bullmq',
                'postgres',
                'drizzle-orm',
                'drizzle-orm/*',
                'next',
                'next/*',
                'pino',
              ],
              message: 'engine/ is pure: no infrastructure libraries.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'engine/ takes time as an input.' },
        { object: 'Math', property: 'random', message: 'engine/ takes randomness from a seed.' },
      ],
    },
  },
);
