/** The data layer's public surface: the shared database, its schema and the environment. */
export { getDb, closeDb, type Db } from './client';
export * as schema from './schema';
export { env, isEmbedded, type Env } from './env';
export { logger } from './logger';
