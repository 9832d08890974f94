ALTER TABLE "deployments" ADD COLUMN "reconciliation" jsonb;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "predecessor_id" uuid;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_predecessor_id_deployments_id_fk" FOREIGN KEY ("predecessor_id") REFERENCES "public"."deployments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deployments_predecessor_idx" ON "deployments" USING btree ("predecessor_id");--> statement-breakpoint
-- A deployment's broker kind and account are fixed when it is created: switching paper <-> live
-- starts a successor deployment, so no update can turn a paper row into a live one.
CREATE FUNCTION "deployments_kind_is_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."mode" IS DISTINCT FROM OLD."mode" OR NEW."broker_account_id" IS DISTINCT FROM OLD."broker_account_id" THEN
    RAISE EXCEPTION 'deployment %: mode and broker account are fixed at creation; switch by starting a successor deployment', OLD."id";
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "deployments_kind_is_fixed" BEFORE UPDATE OF "mode", "broker_account_id" ON "deployments" FOR EACH ROW EXECUTE FUNCTION "deployments_kind_is_fixed"();
