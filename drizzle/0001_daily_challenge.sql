CREATE TABLE "daily_challenges" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "daily_challenges_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"guild_id" text NOT NULL,
	"local_date" date NOT NULL,
	"kind" text NOT NULL,
	"channel_id" text NOT NULL,
	"message_id" text,
	"deck_id" text NOT NULL,
	"card_id" text NOT NULL,
	"options" jsonb NOT NULL,
	"correct_index" smallint NOT NULL,
	"status" text NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	"posted_at" timestamp with time zone,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "daily_settings" (
	"guild_id" text PRIMARY KEY NOT NULL,
	"channel_id" text NOT NULL,
	"time" text NOT NULL,
	"time_zone" text NOT NULL,
	"deck_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"starts_on" date NOT NULL,
	"paused_reason" text,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "answers" ADD COLUMN "challenge_id" bigint;--> statement-breakpoint
ALTER TABLE "answers" ADD COLUMN "choice" smallint;--> statement-breakpoint
ALTER TABLE "member_stats" ADD COLUMN "daily_streak" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "member_stats" ADD COLUMN "best_daily_streak" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "daily_challenges_one_scheduled_per_day" ON "daily_challenges" USING btree ("guild_id","local_date") WHERE "daily_challenges"."kind" = 'scheduled';--> statement-breakpoint
CREATE INDEX "daily_challenges_guild_idx" ON "daily_challenges" USING btree ("guild_id","local_date","id");--> statement-breakpoint
CREATE INDEX "daily_challenges_guild_card_idx" ON "daily_challenges" USING btree ("guild_id","card_id");--> statement-breakpoint
ALTER TABLE "answers" ADD CONSTRAINT "answers_challenge_id_daily_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "public"."daily_challenges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "answers_challenge_member_once" ON "answers" USING btree ("challenge_id","user_id");--> statement-breakpoint
CREATE INDEX "answers_guild_time_idx" ON "answers" USING btree ("guild_id","answered_at","user_id","points");--> statement-breakpoint
CREATE INDEX "answers_guild_user_time_idx" ON "answers" USING btree ("guild_id","user_id","answered_at");--> statement-breakpoint
CREATE INDEX "answers_user_deck_card_idx" ON "answers" USING btree ("user_id","deck_id","card_id");--> statement-breakpoint
CREATE INDEX "member_stats_points_idx" ON "member_stats" USING btree ("guild_id","points" DESC NULLS LAST,"points_reached_at","user_id");--> statement-breakpoint
CREATE INDEX "member_stats_daily_streak_idx" ON "member_stats" USING btree ("guild_id","daily_streak" DESC NULLS LAST,"best_daily_streak" DESC NULLS LAST,"user_id");