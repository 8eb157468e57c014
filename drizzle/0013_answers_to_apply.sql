CREATE TABLE "answers_to_apply" (
	"answer_id" bigint PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "answers_to_apply" ADD CONSTRAINT "answers_to_apply_answer_id_answers_id_fk" FOREIGN KEY ("answer_id") REFERENCES "public"."answers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "answers_to_apply_user_idx" ON "answers_to_apply" USING btree ("user_id","answer_id");