CREATE TABLE "sign_in_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "backtests" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "backtests" ADD COLUMN "notes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "backtests_unfinished_idx" ON "backtests" USING btree ("owner_id","status") WHERE "backtests"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "strategies_owner_live_idx" ON "strategies" USING btree ("owner_id","updated_at" DESC NULLS LAST) WHERE "strategies"."deleted_at" is null;