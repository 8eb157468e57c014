CREATE TABLE "role_grants" (
	"guild_id" text NOT NULL,
	"role_id" text NOT NULL,
	"user_id" text NOT NULL,
	"granted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "role_grants_guild_id_role_id_user_id_pk" PRIMARY KEY("guild_id","role_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "role_rewards" (
	"guild_id" text NOT NULL,
	"role_id" text NOT NULL,
	"role_name" text NOT NULL,
	"kind" text NOT NULL,
	"threshold" integer,
	"period" text,
	"champion_for" date,
	"paused_reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "role_rewards_guild_id_role_id_pk" PRIMARY KEY("guild_id","role_id")
);
--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_guild_id_role_id_role_rewards_guild_id_role_id_fk" FOREIGN KEY ("guild_id","role_id") REFERENCES "public"."role_rewards"("guild_id","role_id") ON DELETE cascade ON UPDATE no action;