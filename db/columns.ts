/**
 * A batch's column as ONE query parameter (a Postgres array), for `insert ... select * from
 * unnest(...)` and `update ... from unnest(...)`. The live flow writes a row per deployment and
 * tick; as a multi-row VALUES list drizzle builds the statement value by value (about a tenth of
 * an evaluation's CPU at 1,000 deployments). As arrays, a statement is a few parameters however
 * many rows it writes, built in constant time. Works alike on postgres.js and PGlite.
 *
 * JSON goes in as its text (`JSON.stringify`) cast to `jsonb[]`; numbers as JS numbers (their
 * shortest exact form); cast each array to the column's type in the SQL.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

export const column = (values: readonly unknown[]): SQL => sql`${sql.param(values)}`;

/** JSON values as a `jsonb[]` column (null stays SQL null). */
export const jsonColumn = (values: readonly unknown[]): SQL =>
  column(values.map((v) => (v === null || v === undefined ? null : JSON.stringify(v))));

/** The rows of `db.execute(...)`: postgres.js answers with the rows, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * `column = any(array)`: drizzle's `inArray` spells out one parameter per value, so the statement
 * grows with the list; this is one parameter, whatever its length.
 */
export const isAnyOf = (col: AnyColumn, values: readonly unknown[], type: 'uuid' | 'text'): SQL =>
  sql`${col} = any(${column(values)}::${sql.raw(type)}[])`;

/**
 * Rows as ONE `jsonb` parameter, for `from jsonb_to_recordset(...) as v(col type, ...)`: for
 * columns of large text (a deployment's state, its paper venue), which postgres.js would escape
 * character by character in JS inside an array literal, while `JSON.stringify` is native code.
 */
export const recordsOf = (rows: readonly object[]): SQL =>
  sql`${sql.param(JSON.stringify(rows))}::jsonb`;
