import { DiscordAPIError, RESTJSONErrorCodes, Routes, type Client } from 'discord.js';
import type { RoleChangeFailure, RoleGateway } from '../services/rewards-service.js';

/** How long one role change may wait on Discord (rate-limit queue included) before it counts as failed and is tried later. */
export const ROLE_CHANGE_TIMEOUT_MS = 10_000;

/** Gives and takes roles through Discord's REST API: PUT / DELETE /guilds/:guild/members/:user/roles/:role. */
export class DiscordRoleGateway implements RoleGateway {
  constructor(private readonly client: Client) {}

  addRole(guildId: string, userId: string, roleId: string): Promise<RoleChangeFailure | null> {
    return this.change(() =>
      this.client.rest.put(Routes.guildMemberRole(guildId, userId, roleId), { reason: 'deepcards role reward', signal: AbortSignal.timeout(ROLE_CHANGE_TIMEOUT_MS) }),
    );
  }

  removeRole(guildId: string, userId: string, roleId: string): Promise<RoleChangeFailure | null> {
    return this.change(() =>
      this.client.rest.delete(Routes.guildMemberRole(guildId, userId, roleId), { reason: 'deepcards role reward', signal: AbortSignal.timeout(ROLE_CHANGE_TIMEOUT_MS) }),
    );
  }

  private async change(call: () => Promise<unknown>): Promise<RoleChangeFailure | null> {
    try {
      await call();
      return null;
    } catch (error) {
      if (!(error instanceof DiscordAPIError)) return 'other';
      if (error.code === RESTJSONErrorCodes.MissingPermissions) return 'missing-permissions';
      if (error.code === RESTJSONErrorCodes.UnknownRole) return 'unknown-role';
      if (error.code === RESTJSONErrorCodes.UnknownMember || error.code === RESTJSONErrorCodes.UnknownUser) return 'unknown-member';
      return 'other';
    }
  }
}
