/**
 * Next settings. Server-only libraries stay outside the bundle: PGlite must be one instance per
 * process (shared through globalThis with the launcher), BullMQ loads its Lua scripts from disk.
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
  ],
  // `npm test` and CI type-check and lint the whole repo; doing it again inside every build
  // would double the first `npm start`.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
