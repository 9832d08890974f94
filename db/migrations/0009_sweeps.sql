CREATE TABLE "sweeps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" text NOT NULL,
	"strategy_version_id" uuid NOT NULL,
	"data_source" jsonb NOT NULL,
	"settings" jsonb NOT NULL,
	"spec" jsonb NOT NULL,
	"combinations" integer NOT NULL,
	"status" "backtest_status" DEFAULT 'queued' NOT NULL,
	"progress" real DEFAULT 0 NOT NULL,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"analysis" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "sweeps_progress_range" CHECK ("sweeps"."progress" >= 0 and "sweeps"."progress" <= 1)
);
--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_owner_id_user_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_strategy_version_id_strategy_versions_id_fk" FOREIGN KEY ("strategy_version_id") REFERENCES "public"."strategy_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sweeps_owner_created_idx" ON "sweeps" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "sweeps_unfinished_idx" ON "sweeps" USING btree ("owner_id","status") WHERE "sweeps"."status" in ('queued', 'running');