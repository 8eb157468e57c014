ALTER TABLE "rounds" ADD COLUMN "typed_answer" text;--> statement-breakpoint
ALTER TABLE "rounds" ADD COLUMN "typed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "answers_user_time_idx" ON "answers" USING btree ("user_id","answered_at");