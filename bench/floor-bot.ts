// The latency "floor": the smallest discord.js bot that answers like deepcards does (one embed and
// one button per command; an update() per button press), with no database and nothing from src/.
// Run: DISCORD_TOKEN=… DISCORD_API_URL=http://127.0.0.1:PORT/api node --import tsx bench/floor-bot.ts

import { ActionRowBuilder, ButtonBuilder, ButtonStyle, Client, EmbedBuilder, Events, GatewayIntentBits } from 'discord.js';
import type { Interaction } from 'discord.js';

const token = process.env.DISCORD_TOKEN;
if (!token) {
  console.error('floor-bot: DISCORD_TOKEN is required');
  process.exit(1);
}
const api = process.env.DISCORD_API_URL;

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

client.on(Events.InteractionCreate, (interaction: Interaction) => {
  let reply: Promise<unknown> | undefined;
  if (interaction.isChatInputCommand()) reply = interaction.reply({ embeds: [commandEmbed], components: [buttonRow] });
  else if (interaction.isButton()) reply = interaction.update({ embeds: [updateEmbed] });
  reply?.catch((error: unknown) => console.error('floor-bot: reply failed:', error));
});
client.once(Events.ClientReady, (ready) => console.log(`floor-bot ready as ${ready.user.tag}`));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void client.destroy().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

await client.login(token);
