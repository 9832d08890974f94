/**
 * Next settings. Server-only libraries stay outside the bundle: PGlite must be one instance per
 * process (shared through globalThis with the launcher), BullMQ loads its Lua scripts from disk,
 * DuckDB (the chain store's engine) is a native addon.
 */
/** @type {import('next').NextConfig} */
const config = {
  serverExternalPackages: [
    '@electric-sql/pglite',
    'bullmq',
    'ioredis',
    'postgres',
    'pino',
    'drizzle-orm',
    '@duckdb/node-api',
    '@duckdb/node-bindings',
  ],
  // `npm test` and CI type-check and lint the whole repo; doing it again inside every build
  // would double the first `npm start`.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
