ALTER TABLE "strategies" ALTER COLUMN "dsl" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "strategies" ADD COLUMN "deleted_at" timestamp with time zone;