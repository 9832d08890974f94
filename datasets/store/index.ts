/**
 * The chain store's public face (docs/market-data.md#the-chain-store): where it lives under
 * DATA_DIR, what is stored, importing into it, and reading it back: whole days, a basket's
 * projection for backtests, or the snapshots of a day near a time (payoff panel, vol lab).
 */
export { storeRoot, type DayManifest } from './layout';
export {
  listStored,
  listDays,
  deleteDay,
  snapshotsNear,
  importToStore,
  listImports,
  type StoredDataset,
  type StoredDay,
  type ImportProgress,
  type ImportOutcome,
} from './catalog';
export { readStore, storedDays, type StoreReadOptions, type DayRead } from './read';
export { ChainStoreWriter, sessionDay, type WrittenDay } from './write';
