-- A deployment's state and its paper venue are rewritten on every tick it trades, and Postgres
-- compresses each new value before storing it (values over 2 kB). lz4 compresses several times
-- faster than the default pglz for about the same size. A server built without lz4 (the
-- embedded PGlite is one) keeps pglz: the values are the same either way, only the CPU differs.
DO $$
BEGIN
  ALTER TABLE "deployment_state" ALTER COLUMN "state" SET COMPRESSION lz4;
  ALTER TABLE "deployment_state" ALTER COLUMN "venue" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available on this server: deployment states stay compressed with pglz';
END $$;
