CREATE TABLE "member_period_points" (
	"guild_id" text NOT NULL,
	"period" text NOT NULL,
	"starts_on" date NOT NULL,
	"user_id" text NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"points_reached_at" timestamp with time zone,
	CONSTRAINT "member_period_points_guild_id_period_starts_on_user_id_pk" PRIMARY KEY("guild_id","period","starts_on","user_id")
);
--> statement-breakpoint
CREATE INDEX "member_period_points_rank_idx" ON "member_period_points" USING btree ("guild_id","period","starts_on","points" DESC NULLS LAST,"points_reached_at","user_id");--> statement-breakpoint
CREATE INDEX "member_period_points_count_idx" ON "member_period_points" USING btree ("guild_id","period","starts_on","points");--> statement-breakpoint
CREATE INDEX "member_stats_guild_points_idx" ON "member_stats" USING btree ("guild_id","points");