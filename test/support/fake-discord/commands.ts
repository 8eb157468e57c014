import type { SnowflakeGenerator } from './snowflake.js';
import type { ApiApplicationCommand, ApiCommandOptionDefinition, JsonObject } from './types.js';

/** Registered application commands, global and per guild. */
export class CommandStore {
  readonly #global = new Map<string, ApiApplicationCommand>();
  readonly #guild = new Map<string, Map<string, ApiApplicationCommand>>();

  constructor(
    private readonly ids: SnowflakeGenerator,
    private readonly applicationId: string,
  ) {}

  #scope(guildId: string | undefined): Map<string, ApiApplicationCommand> {
    if (!guildId) return this.#global;
    let scope = this.#guild.get(guildId);
    if (!scope) {
      scope = new Map();
      this.#guild.set(guildId, scope);
    }
    return scope;
  }

  list(guildId?: string): ApiApplicationCommand[] {
    return [...this.#scope(guildId).values()].map((c) => structuredClone(c));
  }

  get(guildId: string | undefined, id: string): ApiApplicationCommand | undefined {
    const c = this.#scope(guildId).get(id);
    return c ? structuredClone(c) : undefined;
  }

  /** Bulk overwrite: commands keep their id when a command of the same type and name existed. */
  put(guildId: string | undefined, defs: JsonObject[]): ApiApplicationCommand[] {
    const scope = this.#scope(guildId);
    const previous = [...scope.values()];
    scope.clear();
    for (const def of defs) {
      const type = typeof def.type === 'number' ? def.type : 1;
      const old = previous.find((c) => c.type === type && c.name === def.name);
      const command = this.#normalise(def, guildId, old?.id);
      scope.set(command.id, command);
    }
    return this.list(guildId);
  }

  /** POST: creates, or replaces the command with the same type and name. */
  upsert(guildId: string | undefined, def: JsonObject): { command: ApiApplicationCommand; created: boolean } {
    const scope = this.#scope(guildId);
    const type = typeof def.type === 'number' ? def.type : 1;
    const old = [...scope.values()].find((c) => c.type === type && c.name === def.name);
    const command = this.#normalise(def, guildId, old?.id);
    scope.set(command.id, command);
    return { command: structuredClone(command), created: !old };
  }

  patch(guildId: string | undefined, id: string, def: JsonObject): ApiApplicationCommand | undefined {
    const scope = this.#scope(guildId);
    const old = scope.get(id);
    if (!old) return undefined;
    const command = this.#normalise({ ...old, ...def }, guildId, id);
    scope.set(id, command);
    return structuredClone(command);
  }

  delete(guildId: string | undefined, id: string): boolean {
    return this.#scope(guildId).delete(id);
  }

  /** Finds a command by name, preferring the guild's own over a global one. */
  find(name: string, guildId: string | undefined, type = 1): ApiApplicationCommand | undefined {
    const match = (c: ApiApplicationCommand): boolean => c.name === name && c.type === type;
    const guildCommand = guildId ? [...this.#scope(guildId).values()].find(match) : undefined;
    return guildCommand ?? [...this.#global.values()].find(match);
  }

  #normalise(def: JsonObject, guildId: string | undefined, id: string | undefined): ApiApplicationCommand {
    const command: ApiApplicationCommand = {
      ...structuredClone(def),
      id: id ?? this.ids.next(),
      application_id: this.applicationId,
      version: this.ids.next(),
      type: typeof def.type === 'number' ? def.type : 1,
      name: String(def.name),
      name_localizations: def.name_localizations ?? null,
      description: typeof def.description === 'string' ? def.description : '',
      description_localizations: def.description_localizations ?? null,
      default_member_permissions:
        typeof def.default_member_permissions === 'string' ? def.default_member_permissions : null,
      nsfw: def.nsfw === true,
      integration_types: def.integration_types ?? [0],
      contexts: def.contexts ?? null,
    };
    if (Array.isArray(def.options)) command.options = structuredClone(def.options) as ApiCommandOptionDefinition[];
    else delete command.options;
    if (guildId) command.guild_id = guildId;
    else delete command.guild_id;
    return command;
  }
}
