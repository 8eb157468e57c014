import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import type { RoleSetupFacts, ThresholdKind } from '../../domain/rewards.js';
import { UserError } from '../../errors.js';
import { note } from '../render/common.js';
import { describeReward, renderRewardList } from '../render/rewards.js';
import type { SlashCommand } from './types.js';

export const rewardsCommand: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('rewards')
    .setDescription('Roles for effort: points, streaks, champions (Manage Server)')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) =>
      s
        .setName('add')
        .setDescription('Give a role when a member reaches a threshold')
        .addRoleOption((o) => o.setName('role').setDescription('The role to give').setRequired(true))
        .addStringOption((o) =>
          o
            .setName('kind')
            .setDescription('What the threshold counts')
            .setRequired(true)
            .addChoices(
              { name: 'points (kept once earned)', value: 'points' },
              { name: 'study streak in days (taken back when it breaks)', value: 'study_streak' },
              { name: 'daily-challenge streak (taken back when it breaks)', value: 'daily_streak' },
            ),
        )
        .addIntegerOption((o) => o.setName('threshold').setDescription('Points or days, at least 1').setRequired(true).setMinValue(1).setMaxValue(1_000_000)),
    )
    .addSubcommand((s) =>
      s
        .setName('champion')
        .setDescription("Move a role to the previous week's or month's leader when a new one starts")
        .addRoleOption((o) => o.setName('role').setDescription('The champion role').setRequired(true))
        .addStringOption((o) =>
          o.setName('period').setDescription('Week or month').setRequired(true).addChoices({ name: 'week', value: 'week' }, { name: 'month', value: 'month' }),
        ),
    )
    .addSubcommand((s) => s.setName('list').setDescription('The rewards of this server, and any that are paused'))
    .addSubcommand((s) =>
      s
        .setName('remove')
        .setDescription('Stop giving a role (members keep it)')
        .addRoleOption((o) => o.setName('role').setDescription('The reward role').setRequired(true)),
    ),

  ephemeral: () => true,
  async execute(interaction, ctx) {
    const guildId = interaction.guildId;
    if (!guildId) throw new UserError('Rewards belong to a server: run /rewards in a server channel.');
    // default_member_permissions hides the command, but server admins can override that; check again.
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      throw new UserError('Only members with the Manage Server permission can change rewards. Ask an admin.');
    }
    const now = ctx.now();
    switch (interaction.options.getSubcommand(true)) {
      case 'add': {
        const reward = await ctx.rewards.addThreshold({
          guildId,
          setup: await roleSetupFacts(interaction),
          kind: interaction.options.getString('kind', true) as ThresholdKind,
          threshold: interaction.options.getInteger('threshold', true),
          userId: interaction.user.id,
          now,
        });
        await interaction.reply(note(`Reward set: ${describeReward(reward)}.`));
        return;
      }
      case 'champion': {
        const reward = await ctx.rewards.addChampion({
          guildId,
          setup: await roleSetupFacts(interaction),
          period: interaction.options.getString('period', true) as 'week' | 'month',
          userId: interaction.user.id,
          now,
        });
        await interaction.reply(note(`Reward set: ${describeReward(reward)}. The first champion is chosen when the next ${reward.period} begins.`));
        return;
      }
      case 'list':
        await interaction.reply({ ...renderRewardList(await ctx.rewards.list(guildId)), flags: MessageFlags.Ephemeral });
        return;
      case 'remove': {
        const role = interaction.options.getRole('role', true);
        await ctx.rewards.remove(guildId, role.id);
        await interaction.reply(note(`**${role.name}** is no longer a reward. Members who have it keep it.`));
        return;
      }
    }
  },
};

/** The role's place and the bot's own highest role and Manage Roles, from the guild as the gateway keeps it. */
async function roleSetupFacts(interaction: ChatInputCommandInteraction): Promise<RoleSetupFacts & { roleId: string }> {
  const role = interaction.options.getRole('role', true);
  const guild = interaction.guild ?? (await interaction.client.guilds.fetch(interaction.guildId ?? ''));
  const me = guild.members.me ?? (await guild.members.fetchMe());
  return {
    roleId: role.id,
    roleName: role.name,
    isEveryone: role.id === guild.id,
    managed: role.managed,
    botCanManageRoles: me.permissions.has(PermissionFlagsBits.ManageRoles),
    botHighestPosition: me.roles.highest.position,
    rolePosition: role.position,
  };
}
