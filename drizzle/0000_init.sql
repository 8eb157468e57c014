CREATE TABLE "answers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "answers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"round_id" bigint,
	"source" text NOT NULL,
	"guild_id" text,
	"user_id" text NOT NULL,
	"deck_id" text NOT NULL,
	"card_id" text NOT NULL,
	"result" text NOT NULL,
	"correct" boolean NOT NULL,
	"points" integer NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	"award_day" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_stats" (
	"guild_id" text NOT NULL,
	"user_id" text NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"answers" integer DEFAULT 0 NOT NULL,
	"correct" integer DEFAULT 0 NOT NULL,
	"points_reached_at" timestamp with time zone,
	"study_streak" integer DEFAULT 0 NOT NULL,
	"best_study_streak" integer DEFAULT 0 NOT NULL,
	"last_study_day" date,
	CONSTRAINT "member_stats_guild_id_user_id_pk" PRIMARY KEY("guild_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "rounds" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rounds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"owner_id" text NOT NULL,
	"guild_id" text,
	"channel_id" text NOT NULL,
	"deck_id" text NOT NULL,
	"card_id" text NOT NULL,
	"mode" text NOT NULL,
	"choice_order" jsonb,
	"correct_index" smallint,
	"is_private" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revealed_at" timestamp with time zone,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "answers" ADD CONSTRAINT "answers_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "answers_round_once" ON "answers" USING btree ("round_id");--> statement-breakpoint
CREATE UNIQUE INDEX "answers_card_points_once_a_day" ON "answers" USING btree ("guild_id","user_id","card_id","award_day") WHERE "answers"."points" > 0 and "answers"."source" <> 'daily';--> statement-breakpoint
CREATE INDEX "answers_guild_user_deck_idx" ON "answers" USING btree ("guild_id","user_id","deck_id");--> statement-breakpoint
CREATE INDEX "rounds_owner_deck_created_idx" ON "rounds" USING btree ("owner_id","deck_id","created_at");