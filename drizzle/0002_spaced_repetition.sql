CREATE TABLE "card_memory" (
	"user_id" text NOT NULL,
	"card_id" text NOT NULL,
	"deck_id" text NOT NULL,
	"due" timestamp with time zone NOT NULL,
	"stability" double precision NOT NULL,
	"difficulty" double precision NOT NULL,
	"elapsed_days" integer NOT NULL,
	"scheduled_days" integer NOT NULL,
	"learning_steps" integer NOT NULL,
	"reps" integer NOT NULL,
	"lapses" integer NOT NULL,
	"state" smallint NOT NULL,
	"last_review" timestamp with time zone,
	CONSTRAINT "card_memory_user_id_card_id_pk" PRIMARY KEY("user_id","card_id")
);
--> statement-breakpoint
CREATE TABLE "member_settings" (
	"user_id" text PRIMARY KEY NOT NULL,
	"new_per_day" integer DEFAULT 10 NOT NULL,
	"retention" double precision DEFAULT 0.9 NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"reminder_enabled" boolean DEFAULT false NOT NULL,
	"reminder_hour" smallint,
	"last_reminder_date" date,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_logs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "review_logs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"card_id" text NOT NULL,
	"deck_id" text NOT NULL,
	"source" text NOT NULL,
	"round_id" bigint,
	"challenge_id" bigint,
	"rating" smallint NOT NULL,
	"state" smallint NOT NULL,
	"due" timestamp with time zone NOT NULL,
	"stability" double precision NOT NULL,
	"difficulty" double precision NOT NULL,
	"elapsed_days" integer NOT NULL,
	"last_elapsed_days" integer NOT NULL,
	"scheduled_days" integer NOT NULL,
	"learning_steps" integer NOT NULL,
	"review" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rounds" ADD COLUMN "reviewed_before" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rounds" ADD COLUMN "review_deck" text;--> statement-breakpoint
ALTER TABLE "review_logs" ADD CONSTRAINT "review_logs_round_id_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."rounds"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_logs" ADD CONSTRAINT "review_logs_challenge_id_daily_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "public"."daily_challenges"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "card_memory_user_due_idx" ON "card_memory" USING btree ("user_id","due");--> statement-breakpoint
CREATE INDEX "member_settings_reminder_idx" ON "member_settings" USING btree ("reminder_enabled");--> statement-breakpoint
CREATE INDEX "review_logs_user_review_idx" ON "review_logs" USING btree ("user_id","review");--> statement-breakpoint
CREATE UNIQUE INDEX "review_logs_round_once" ON "review_logs" USING btree ("round_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_logs_challenge_member_once" ON "review_logs" USING btree ("challenge_id","user_id");