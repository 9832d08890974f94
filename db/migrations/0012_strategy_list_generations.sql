CREATE TABLE "strategy_list_generations" (
	"owner_id" text PRIMARY KEY NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Every write to an owner's strategies raises that owner's list generation in the same
-- transaction, so a strategies list served from the API's cache is never older than a commit.
CREATE FUNCTION "strategy_list_generation_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO "strategy_list_generations" AS g ("owner_id", "generation") VALUES (OLD."owner_id", 1)
      ON CONFLICT ("owner_id") DO UPDATE SET "generation" = g."generation" + 1;
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW."owner_id" IS DISTINCT FROM OLD."owner_id") THEN
    INSERT INTO "strategy_list_generations" AS g ("owner_id", "generation") VALUES (NEW."owner_id", 1)
      ON CONFLICT ("owner_id") DO UPDATE SET "generation" = g."generation" + 1;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "strategy_list_generation_bump" AFTER INSERT OR UPDATE OR DELETE ON "strategies" FOR EACH ROW EXECUTE FUNCTION "strategy_list_generation_bump"();
