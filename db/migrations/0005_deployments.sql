CREATE TYPE "public"."deployment_mode" AS ENUM('paper', 'live');--> statement-breakpoint
CREATE TYPE "public"."deployment_status" AS ENUM('running', 'paused', 'stopped', 'killed', 'failed', 'completed');--> statement-breakpoint
CREATE TYPE "public"."intent_status" AS ENUM('pending', 'sending', 'sent', 'failed');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"deployment_id" uuid,
	"action" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployment_events" (
	"deployment_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"ts" text NOT NULL,
	"type" text NOT NULL,
	"strategy_id" text,
	"leg_id" text,
	"message" text NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployment_events_deployment_id_seq_pk" PRIMARY KEY("deployment_id","seq")
);
--> statement-breakpoint
CREATE TABLE "deployment_inputs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"deployment_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"input" jsonb NOT NULL,
	"applied_at" timestamp with time zone,
	"skipped" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployment_pnl" (
	"deployment_id" uuid NOT NULL,
	"ts" text NOT NULL,
	"net" real NOT NULL,
	"gross" real NOT NULL,
	"costs" real NOT NULL,
	CONSTRAINT "deployment_pnl_deployment_id_ts_pk" PRIMARY KEY("deployment_id","ts")
);
--> statement-breakpoint
CREATE TABLE "deployment_state" (
	"deployment_id" uuid PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"venue" text,
	"steps" integer DEFAULT 0 NOT NULL,
	"pnl" jsonb,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" text NOT NULL,
	"strategy_id" uuid NOT NULL,
	"strategy_version_id" uuid NOT NULL,
	"name" text NOT NULL,
	"mode" "deployment_mode" NOT NULL,
	"broker_account_id" uuid,
	"status" "deployment_status" DEFAULT 'running' NOT NULL,
	"status_reason" text,
	"trading_state" text DEFAULT 'ACTIVE' NOT NULL,
	"risk_limits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"feed" jsonb NOT NULL,
	"feed_id" text NOT NULL,
	"underlyings" text[] NOT NULL,
	"paper" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone,
	CONSTRAINT "deployments_live_has_account" CHECK ("deployments"."mode" = 'paper' or "deployments"."broker_account_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "feed_closes" (
	"feed_id" text NOT NULL,
	"underlying" text NOT NULL,
	"day" text NOT NULL,
	"spot" real NOT NULL,
	"vix" real,
	"atm_iv" real,
	CONSTRAINT "feed_closes_feed_id_underlying_day_pk" PRIMARY KEY("feed_id","underlying","day")
);
--> statement-breakpoint
CREATE TABLE "feed_snapshots" (
	"feed_id" text NOT NULL,
	"underlying" text NOT NULL,
	"ts" text NOT NULL,
	"body" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feed_snapshots_feed_id_underlying_ts_pk" PRIMARY KEY("feed_id","underlying","ts")
);
--> statement-breakpoint
CREATE TABLE "fills" (
	"execution_id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"deployment_id" uuid NOT NULL,
	"ts" text NOT NULL,
	"qty" integer NOT NULL,
	"price" real NOT NULL,
	"costs" real NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_intents" (
	"id" text PRIMARY KEY NOT NULL,
	"deployment_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" "intent_status" DEFAULT 'pending' NOT NULL,
	"broker_order_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"deployment_id" uuid NOT NULL,
	"intent_id" text NOT NULL,
	"leg_id" text NOT NULL,
	"side" text NOT NULL,
	"contract" text NOT NULL,
	"qty" integer NOT NULL,
	"filled_qty" integer DEFAULT 0 NOT NULL,
	"average_price" real,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"broker_order_id" text,
	"message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_events" ADD CONSTRAINT "deployment_events_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_inputs" ADD CONSTRAINT "deployment_inputs_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_pnl" ADD CONSTRAINT "deployment_pnl_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_state" ADD CONSTRAINT "deployment_state_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_owner_id_user_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_strategy_version_id_strategy_versions_id_fk" FOREIGN KEY ("strategy_version_id") REFERENCES "public"."strategy_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_broker_account_id_broker_accounts_id_fk" FOREIGN KEY ("broker_account_id") REFERENCES "public"."broker_accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_intents" ADD CONSTRAINT "order_intents_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_user_idx" ON "audit_log" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "deployment_inputs_pending_idx" ON "deployment_inputs" USING btree ("deployment_id","id") WHERE "deployment_inputs"."applied_at" is null;--> statement-breakpoint
CREATE INDEX "deployment_inputs_deployment_idx" ON "deployment_inputs" USING btree ("deployment_id","id");--> statement-breakpoint
CREATE INDEX "deployments_owner_idx" ON "deployments" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "deployments_feed_status_idx" ON "deployments" USING btree ("feed_id","status");--> statement-breakpoint
CREATE INDEX "fills_deployment_idx" ON "fills" USING btree ("deployment_id","ts");--> statement-breakpoint
CREATE INDEX "order_intents_deployment_idx" ON "order_intents" USING btree ("deployment_id","created_at");--> statement-breakpoint
CREATE INDEX "order_intents_unsent_idx" ON "order_intents" USING btree ("status","created_at") WHERE "order_intents"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE UNIQUE INDEX "order_intents_broker_order_uq" ON "order_intents" USING btree ("broker_order_id");--> statement-breakpoint
CREATE INDEX "orders_deployment_idx" ON "orders" USING btree ("deployment_id","created_at");