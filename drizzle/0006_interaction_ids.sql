ALTER TABLE "daily_challenges" ADD COLUMN "interaction_id" text;--> statement-breakpoint
ALTER TABLE "rounds" ADD COLUMN "interaction_id" text;--> statement-breakpoint
ALTER TABLE "rounds" ADD COLUMN "answered_interaction_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "daily_challenges_interaction_id_unique" ON "daily_challenges" USING btree ("interaction_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rounds_interaction_id_unique" ON "rounds" USING btree ("interaction_id");