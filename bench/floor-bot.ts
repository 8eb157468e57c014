// The latency "floor": the smallest discord.js bot that answers like deepcards does (one embed and
// one button per command; an update() per button press), with no database and nothing from src/.
// Run: DISCORD_TOKEN=… DISCORD_API_URL=http://127.0.0.1:PORT/api node --import tsx bench/floor-bot.ts
//
// With FLOOR_DATABASE_URL (a PostgreSQL database of its own), it is the floor of a bot that keeps what
// members do: before each answer it commits one small row (the interaction's id, unique, the member and
// the time) and answers only once PostgreSQL has it, as deepcards does with its own writes.

import { ActionRowBuilder, ButtonBuilder, ButtonStyle, Client, EmbedBuilder, Events, GatewayIntentBits } from 'discord.js';
import type { Interaction } from 'discord.js';
import postgres from 'postgres';

const token = process.env.DISCORD_TOKEN;
if (!token) {
  console.error('floor-bot: DISCORD_TOKEN is required');
  process.exit(1);
}
const api = process.env.DISCORD_API_URL;
const databaseUrl = process.env.FLOOR_DATABASE_URL;
const sql = databaseUrl ? postgres(databaseUrl, { max: 10, prepare: true, onnotice: () => {} }) : undefined;
if (sql) await sql`create table if not exists floor_presses (interaction_id text primary key, user_id text not null, at timestamptz not null)`;

const commandEmbed = new EmbedBuilder()
  .setTitle('Flashcard')
  .setDescription('What does the softmax function output?')
  .setColor(0x5865f2)
  .toJSON();
const buttonRow = new ActionRowBuilder<ButtonBuilder>()
  .addComponents(new ButtonBuilder().setCustomId('floor:reveal').setLabel('Reveal').setStyle(ButtonStyle.Primary))
  .toJSON();
const updateEmbed = new EmbedBuilder()
  .setTitle('Flashcard')
  .setDescription('A probability distribution over the classes.')
  .setColor(0x57f287)
  .toJSON();

const client = new Client({ intents: [GatewayIntentBits.Guilds], ...(api ? { rest: { api } } : {}) });

async function answer(interaction: Interaction): Promise<void> {
  if (sql) await sql`insert into floor_presses (interaction_id, user_id, at) values (${interaction.id}, ${interaction.user.id}, now())`;
  if (interaction.isChatInputCommand()) await interaction.reply({ embeds: [commandEmbed], components: [buttonRow] });
  else if (interaction.isButton()) await interaction.update({ embeds: [updateEmbed] });
}

client.on(Events.InteractionCreate, (interaction: Interaction) => {
  answer(interaction).catch((error: unknown) => console.error('floor-bot: answer failed:', error));
});
client.once(Events.ClientReady, (ready) => console.log(`floor-bot ready as ${ready.user.tag}`));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void client
    .destroy()
    .then(() => sql?.end({ timeout: 2 }))
    .finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await client.login(token);
