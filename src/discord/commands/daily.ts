import { SlashCommandBuilder } from '@discordjs/builders';
import {
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type GuildBasedChannel,
} from 'discord.js';
import { searchTimeZones } from '../../domain/timezones.js';
import { UserError } from '../../errors.js';
import { ALL_DECKS } from '../../services/daily-service.js';
import { note } from '../render/common.js';
import { renderDailyStatus } from '../render/daily.js';
import { autocompleteDeck } from './deck-option.js';
import type { SlashCommand } from './types.js';

const NEEDED = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
] as const;

export const dailyCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('daily')
    .setDescription('Set up the daily challenge (Manage Server)')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) =>
      s
        .setName('setup')
        .setDescription('Post a challenge every day at a local time')
        .addChannelOption((o) =>
          o.setName('channel').setDescription('Where to post').setRequired(true).addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
        )
        .addStringOption((o) => o.setName('time').setDescription('HH:MM on a 24-hour clock, e.g. 18:00').setRequired(true).setMaxLength(5))
        .addStringOption((o) =>
          o.setName('timezone').setDescription('IANA timezone, e.g. Europe/Berlin').setRequired(true).setAutocomplete(true).setMaxLength(64),
        )
        .addStringOption((o) => o.setName('deck').setDescription('A deck id, or all (default)').setAutocomplete(true).setMaxLength(32)),
    )
    .addSubcommand((s) => s.setName('disable').setDescription('Stop posting the daily challenge'))
    .addSubcommand((s) => s.setName('status').setDescription('Channel, time, next and last post, last error'))
    .addSubcommand((s) => s.setName('now').setDescription('Post a challenge now, closing the current one')),

  ephemeral: () => true,
  async execute(interaction, ctx) {
    const guildId = interaction.guildId;
    if (!guildId) throw new UserError('The daily challenge belongs to a server: run /daily in a server channel.');
    // default_member_permissions hides the command, but server admins can override that; check again.
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      throw new UserError('Only members with the Manage Server permission can change the daily challenge. Ask an admin, or try /leaderboard and /stats.');
    }
    const now = ctx.now();
    switch (interaction.options.getSubcommand(true)) {
      case 'setup': {
        const channel = interaction.options.getChannel('channel', true);
        await requireBotCanPost(interaction, channel.id);
        const status = await ctx.daily.setup({
          guildId,
          channelId: channel.id,
          time: interaction.options.getString('time', true),
          timeZone: interaction.options.getString('timezone', true),
          deck: interaction.options.getString('deck'),
          userId: interaction.user.id,
          now,
        });
        const view = renderDailyStatus(status);
        await interaction.reply({
          ...view,
          content: `Daily challenge set: <#${channel.id}> at ${status.settings?.time} (${status.settings?.timeZone}). Use \`/daily now\` to post the first one right away.`,
          flags: MessageFlags.Ephemeral,
        });
        return;
      }
      case 'disable':
        await ctx.daily.disable(guildId, interaction.user.id, now);
        await interaction.reply(note('The daily challenge is disabled. Run /daily setup to turn it back on.'));
        return;
      case 'status':
        await interaction.reply({ ...renderDailyStatus(await ctx.daily.status(guildId, now)), flags: MessageFlags.Ephemeral });
        return;
      case 'now': {
        const result = await ctx.daily.postNow(guildId, now, interaction.id);
        if (result.kind === 'posted') {
          await interaction.reply(note(`Posted today's challenge in <#${result.challenge.channelId}>.`));
        } else if (result.kind === 'failed') {
          // Only what will really happen: /daily now is not retried; the schedule goes on as before.
          const next = result.permanent ? null : (await ctx.daily.status(guildId, now)).nextPost;
          const after = result.permanent
            ? 'The daily challenge is paused until you fix that and run /daily setup.'
            : `Nothing was posted and this is not retried: run /daily now again in a minute${next ? `, or wait for the scheduled post <t:${Math.floor(next.at.getTime() / 1000)}:R>` : ''}.`;
          await interaction.reply(note(`Could not post the challenge: ${result.reason}. ${after}`));
        } else {
          await interaction.reply(note('A challenge is being posted right now; try again in a moment.'));
        }
        return;
      }
    }
  },

  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'timezone') {
      await interaction.respond(searchTimeZones(String(focused.value)).map((z) => ({ name: z, value: z })));
      return;
    }
    await autocompleteDeck(interaction, ctx, [{ name: 'All decks', value: ALL_DECKS }]);
  },
};

/** Refuses a channel where the bot itself lacks View Channel, Send Messages or Embed Links. */
async function requireBotCanPost(interaction: ChatInputCommandInteraction, channelId: string): Promise<void> {
  const guild = interaction.guild ?? (await interaction.client.guilds.fetch(interaction.guildId ?? ''));
  const me = guild.members.me ?? (await guild.members.fetchMe());
  const channel: GuildBasedChannel | null = guild.channels.cache.get(channelId) ?? (await guild.channels.fetch(channelId).catch(() => null));
  if (!channel) throw new UserError(`I cannot see <#${channelId}>. Give me View Channel there, or pick another channel.`);
  // The option only offers text and announcement channels of this server; a forged request can name any.
  if (channel.guildId !== guild.id || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) {
    throw new UserError(`<#${channelId}> is not a text or announcement channel of this server. Pick one of this server's text channels. Nothing was saved.`);
  }
  const permissions = channel.permissionsFor(me);
  const missing = NEEDED.filter(([flag]) => !permissions?.has(flag)).map(([, name]) => name);
  if (missing.length > 0) {
    throw new UserError(`I cannot post in <#${channelId}>: I am missing ${missing.join(', ')} there. Grant ${missing.length === 1 ? 'it' : 'them'} to my role in that channel, or pick another channel. Nothing was saved.`);
  }
}
