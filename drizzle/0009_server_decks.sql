CREATE TABLE "server_cards" (
	"guild_id" text NOT NULL,
	"deck_id" text NOT NULL,
	"card_id" text NOT NULL,
	"position" integer NOT NULL,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"explanation" text,
	"choices" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "server_cards_guild_id_deck_id_card_id_pk" PRIMARY KEY("guild_id","deck_id","card_id")
);
--> statement-breakpoint
CREATE TABLE "server_deck_versions" (
	"guild_id" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server_decks" (
	"guild_id" text NOT NULL,
	"deck_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"color" integer NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "server_decks_guild_id_deck_id_pk" PRIMARY KEY("guild_id","deck_id")
);
--> statement-breakpoint
ALTER TABLE "server_cards" ADD CONSTRAINT "server_cards_guild_id_deck_id_server_decks_guild_id_deck_id_fk" FOREIGN KEY ("guild_id","deck_id") REFERENCES "public"."server_decks"("guild_id","deck_id") ON DELETE cascade ON UPDATE no action;