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
  // Every response: no MIME sniffing, no framing (clickjacking), no full URL in Referer to other
  // sites. Pages get their Content-Security-Policy with a nonce from proxy.ts; API answers are
  // data and get a policy that allows nothing.
  async headers() {
    const everywhere = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
      { key: 'X-Frame-Options', value: 'DENY' },
      { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
      { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
      { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
    ];
    return [
      { source: '/:path*', headers: everywhere },
      {
        source: '/api/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" },
        ],
      },
    ];
  },
};

export default config;
