CREATE TYPE "public"."broker_account_status" AS ENUM('checking', 'connected', 'login_required', 'error');--> statement-breakpoint
CREATE TYPE "public"."broker_kind" AS ENUM('kite', 'alpaca', 'deribit');--> statement-breakpoint
CREATE TABLE "broker_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" text NOT NULL,
	"broker" "broker_kind" NOT NULL,
	"label" text NOT NULL,
	"status" "broker_account_status" DEFAULT 'checking' NOT NULL,
	"credentials" text NOT NULL,
	"profile" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"session_expires_at" timestamp with time zone,
	"login_state" text,
	"last_checked_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "broker_accounts" ADD CONSTRAINT "broker_accounts_owner_id_user_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broker_accounts_owner_idx" ON "broker_accounts" USING btree ("owner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "broker_accounts_owner_label_uq" ON "broker_accounts" USING btree ("owner_id","label");--> statement-breakpoint
CREATE UNIQUE INDEX "broker_accounts_login_state_uq" ON "broker_accounts" USING btree ("login_state");