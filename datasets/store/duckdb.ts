/**
 * The in-process DuckDB engine that writes and reads the chain store's parquet files. It is an
 * in-memory instance, never a database file: the store is plain immutable files, so any number
 * of processes (the app, worker processes, the CLI) read and write it without DuckDB's
 * one-writer file lock. One thread by default: backtests are measured per core, and the
 * machine's other core belongs to the rest of the app.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

type Engine = { instance: DuckDBInstance; connection: DuckDBConnection };

const KEY = Symbol.for('strikeflow.chain-store.duckdb');
type Holder = { [KEY]?: Promise<Engine> };

async function start(): Promise<Engine> {
  // Loaded on first use: the native module stays out of processes that never touch the store.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', {
    threads: process.env.STRIKEFLOW_STORE_THREADS ?? '1',
    memory_limit: process.env.STRIKEFLOW_STORE_MEMORY ?? '256MB',
    // Rows come back in file order: the reader relies on it to rebuild snapshots in one pass.
    preserve_insertion_order: 'true',
    enable_external_access: 'true',
  });
  return { instance, connection: await instance.connect() };
}

/** The process's engine, started once (kept on globalThis so Next's module reloads share it). */
export function duckdb(): Promise<Engine> {
  const holder = globalThis as Holder;
  holder[KEY] ??= start().catch((err: unknown) => {
    delete holder[KEY];
    throw new Error(
      `the chain store's DuckDB engine did not start (${err instanceof Error ? err.message : String(err)}): reinstall with npm install so @duckdb/node-api's prebuilt binary is present`,
    );
  });
  return holder[KEY];
}

/** A connection of its own, for work that keeps temporary tables (an import). */
export async function ownConnection(): Promise<DuckDBConnection> {
  return (await duckdb()).instance.connect();
}

/** A string literal for SQL (paths are ours, but quote them properly anyway). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
