CREATE TABLE "shard_holders" (
	"shard_count" integer NOT NULL,
	"shard_id" integer NOT NULL,
	"holder" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "shard_holders_shard_count_shard_id_pk" PRIMARY KEY("shard_count","shard_id")
);
--> statement-breakpoint
ALTER TABLE "daily_settings" ADD COLUMN "next_due_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "daily_settings_next_due_idx" ON "daily_settings" USING btree ("next_due_at") WHERE "daily_settings"."next_due_at" is not null;