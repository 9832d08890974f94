CREATE TABLE "deployment_closed_legs" (
	"deployment_id" uuid NOT NULL,
	"strategy_id" text NOT NULL,
	"position" integer NOT NULL,
	"leg" text NOT NULL,
	CONSTRAINT "deployment_closed_legs_deployment_id_strategy_id_position_pk" PRIMARY KEY("deployment_id","strategy_id","position")
);
--> statement-breakpoint
ALTER TABLE "deployment_closed_legs" ADD CONSTRAINT "deployment_closed_legs_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;