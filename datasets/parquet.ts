/**
 * Parquet files as tables for the importers, read with the pure-JS hyparquet one row group at
 * a time (memory bounded by a row group, not the file).
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { Table, TableRow } from '@/engine/market/import';

export async function parquetTable(path: string, wanted?: string[]): Promise<Table> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const all = parquetSchema(metadata).children.map((c) => c.element.name);
  const columns = wanted ? wanted.filter((c) => all.includes(c)) : all;
  async function* rows(): AsyncGenerator<TableRow[]> {
    let start = 0;
    for (const group of metadata.row_groups) {
      const end = start + Number(group.num_rows);
      let chunk: unknown[][] = [];
      await parquetRead({
        file,
        metadata,
        columns,
        rowStart: start,
        rowEnd: end,
        onComplete: (r: unknown[][]) => {
          chunk = r;
        },
      });
      for (let i = 0; i < chunk.length; i += 4096) {
        const batch: TableRow[] = [];
        for (let j = i; j < Math.min(i + 4096, chunk.length); j++)
          batch.push({ line: start + j + 1, values: chunk[j] });
        yield batch;
      }
      start = end;
    }
  }
  return { columns, rows: rows() };
}

export async function parquetColumns(path: string): Promise<string[]> {
  const file = await asyncBufferFromFile(path);
  return parquetSchema(await parquetMetadataAsync(file)).children.map((c) => c.element.name);
}
