CREATE TABLE "game_questions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "game_questions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"game_id" bigint NOT NULL,
	"position" smallint NOT NULL,
	"deck_id" text NOT NULL,
	"card_id" text NOT NULL,
	"options" jsonb NOT NULL,
	"correct_index" smallint NOT NULL,
	"status" text NOT NULL,
	"message_id" text,
	"posted_at" timestamp with time zone,
	"deadline" timestamp with time zone,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "games" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "games_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"guild_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"deck_id" text NOT NULL,
	"started_by" text NOT NULL,
	"question_count" smallint NOT NULL,
	"seconds" smallint NOT NULL,
	"status" text NOT NULL,
	"stop_requested_by" text,
	"next_at" timestamp with time zone,
	"scoreboard_message_id" text,
	"claimed_by" text,
	"claim_token" bigint DEFAULT 0 NOT NULL,
	"claim_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "answers" ADD COLUMN "game_question_id" bigint;--> statement-breakpoint
ALTER TABLE "game_questions" ADD CONSTRAINT "game_questions_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "game_questions_position_once" ON "game_questions" USING btree ("game_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "games_one_running_per_channel" ON "games" USING btree ("channel_id") WHERE "games"."status" = 'running';--> statement-breakpoint
CREATE INDEX "games_running_idx" ON "games" USING btree ("status") WHERE "games"."status" = 'running';--> statement-breakpoint
ALTER TABLE "answers" ADD CONSTRAINT "answers_game_question_id_game_questions_id_fk" FOREIGN KEY ("game_question_id") REFERENCES "public"."game_questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "answers_game_question_member_once" ON "answers" USING btree ("game_question_id","user_id");