import { REST } from 'discord.js';
import { loadConfig } from '../config.js';
import { inviteUrl } from '../discord/invite.js';

/** The application lookup must answer within this long. */
const LOOKUP_TIMEOUT_MS = 15_000;

const config = loadConfig({ requireToken: true });
const rest = new REST({ timeout: LOOKUP_TIMEOUT_MS, ...(config.discordApiUrl ? { api: config.discordApiUrl } : {}) }).setToken(config.discordToken ?? '');
const app = (await rest.get('/applications/@me')) as { id: string };
process.stdout.write(`${inviteUrl(app.id)}\n`);
