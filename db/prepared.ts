/**
 * Statements on the path of a trade, run prepared. drizzle sends raw SQL unprepared
 * (drizzle-orm#6096), and postgres.js then has the server describe a statement with parameters
 * before it binds it: two round trips, and nothing else goes on the connection meanwhile. A
 * prepared statement is described once per connection (postgres.js keeps it by its text), then
 * costs one round trip, and statements issued together are pipelined. bench/live's trace of a
 * burst of entries: about fourteen round trips in a transaction, 3-5 ms each while the worker's
 * CPU is busy, were most of a trade's evaluation. PGlite has no round trips: the same call there
 * is an ordinary query.
 *
 * This is drizzle's own way of preparing (a query given a name, as `.prepare(name)` does for a
 * query builder) applied to raw SQL; the statement's text must be one of a few (it is kept per
 * connection), so only statements whose text does not grow with their rows use it.
 */
import type { SQL } from 'drizzle-orm';
import type { PgDialect, PgSession } from 'drizzle-orm/pg-core';
import type { Db } from './client';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export function executePrepared(db: Db | Tx, query: SQL): Promise<unknown> {
  const { session, dialect } = db as unknown as { session: PgSession; dialect: PgDialect };
  return session.prepareQuery(dialect.sqlToQuery(query), undefined, 'prepared', false).execute();
}
