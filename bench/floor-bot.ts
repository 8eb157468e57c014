// The latency "floor": the smallest discord.js bot that answers like deepcards does (one embed and
// one button per command; an update() per button press), with no database and nothing from src/.
// Run: DISCORD_TOKEN=… DISCORD_API_URL=http://127.0.0.1:PORT/api node --import tsx bench/floor-bot.ts
//
// With FLOOR_DATABASE_URL (a PostgreSQL database of its own), it is the floor of a bot that keeps what
// members do: before each answer it commits one small row (the interaction's id, unique, the member and
// the time) and answers only once PostgreSQL has it, as deepcards does with its own writes.
//
// With FLOOR_STATEMENTS=deepcards as well, it commits deepcards' own statements instead, on deepcards'
// schema (its migrations, applied at start), and nothing else of deepcards: /quiz picks a card and records a round, the
// first press of the round reveals it (a read; when it was revealed is written after the answer), the second records the grade (the round claimed, the answer in
// the ledger with its row to apply, the total after it), and a press by a member without a round answers
// the last /daily's challenge. So the statements' own cost is measured apart from deepcards' handlers.
// FLOOR_STATEMENTS=ledger-row is the same, except that a grade or a daily answer commits its ledger row
// alone (one insert into `answers`): the least that must be durable before the reply. With
// FLOOR_STATEMENTS=no-claim, a grade is deepcards' statement except that the round is read, not marked
// answered (the answer's unique round id alone keeps one answer per round).

import { ActionRowBuilder, ButtonBuilder, ButtonStyle, Client, EmbedBuilder, Events, GatewayIntentBits } from 'discord.js';
import type { Interaction } from 'discord.js';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
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
const statements = process.env.FLOOR_STATEMENTS;
const deepcardsStatements = sql !== undefined && (statements === 'deepcards' || statements === 'ledger-row' || statements === 'no-claim');
const ledgerRowOnly = statements === 'ledger-row';
const noClaim = statements === 'no-claim';
if (sql && deepcardsStatements) await migrate(drizzle({ client: sql }), { migrationsFolder: 'drizzle' });

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

/** With deepcards' statements: each member's round and how far it got, and the open challenge. */
const rounds = new Map<string, { id: string; presses: number }>();
let challengeId: string | undefined;

/** deepcards' statement for this interaction (see the top of this file), committed before the answer. */
async function deepcardsWrite(db: postgres.Sql, interaction: Interaction): Promise<void> {
  const user = interaction.user.id;
  const guild = interaction.guildId;
  if (interaction.isChatInputCommand() && interaction.commandName === 'daily') {
    const [row] = await db`insert into daily_challenges (guild_id, local_date, kind, channel_id, deck_id, card_id, options, correct_index, status, claimed_at, interaction_id)
      values (${guild ?? ''}, current_date, 'manual', ${interaction.channelId}, 'cnn', 'cnn-1', '["a","b","c","d"]'::jsonb, 0, 'open', now(), ${interaction.id}) returning id::text as id`;
    challengeId = row?.id;
    return;
  }
  if (interaction.isChatInputCommand()) {
    // deepcards' pick: the first of 31 random candidates of a 40-card deck not among the member's last 30 rounds of it.
    const candidates = JSON.stringify(
      Array.from({ length: 40 }, (_, i) => ({ id: `cnn-${i + 1}`, r: Math.random() }))
        .sort((a, b) => a.r - b.r)
        .slice(0, 31)
        .map((c) => ({ id: c.id })),
    );
    const [row] = await db`with recent as (
        select card_id from rounds where owner_id = ${user} and deck_id = 'cnn' order by created_at desc limit 30
      ), picked as (
        select c.value ->> 'id' as card_id from jsonb_array_elements(${candidates}::text::jsonb) with ordinality as c(value, ord)
        order by (c.value ->> 'id') in (select card_id from recent), c.ord limit 1
      )
      insert into rounds (source, owner_id, guild_id, channel_id, deck_id, card_id, mode, is_private, created_at, interaction_id)
      select 'quiz', ${user}, ${guild}, ${interaction.channelId}, 'cnn', card_id, 'flashcard', false, now(), ${interaction.id} from picked
      on conflict (interaction_id) do nothing returning id::text as id`;
    if (row) rounds.set(user, { id: row.id, presses: 0 });
    return;
  }
  const round = rounds.get(user);
  if (round && round.presses === 0) {
    // A reveal reads the round with what its grade needs (deepcards' findForGrading, in short).
    round.presses++;
    await db`select r.*, s.points, s.study_streak, c.reps, m.retention from rounds r
      left join member_stats s on s.guild_id = r.guild_id and s.user_id = r.owner_id
      left join card_memory c on c.user_id = r.owner_id and c.card_id = r.card_id
      left join member_settings m on m.user_id = r.owner_id
      where r.id = ${round.id}`;
    return;
  }
  const total = (points: number) => db`coalesce((select s.points from member_stats s where s.guild_id = ${guild} and s.user_id = ${user}), 0)
    + coalesce((select sum((select a.points from answers a where a.id = q.answer_id and a.guild_id = ${guild}))::int from answers_to_apply q where q.user_id = ${user}), 0) + ${points}::int`;
  if (ledgerRowOnly) {
    if (round) rounds.delete(user);
    if (!round && !challengeId) return;
    await db`insert into answers (round_id, challenge_id, source, guild_id, user_id, deck_id, card_id, result, correct, choice, points, answered_at, award_day)
      values (${round?.id ?? null}, ${round ? null : (challengeId ?? null)}, ${round ? 'quiz' : 'daily'}, ${guild}, ${user}, 'cnn', 'cnn-1', ${round ? 'good' : 'right'}, true, null, 0, now(), current_date)`;
  } else if (round) {
    rounds.delete(user);
    // no-claim: the round is only read (its answer's unique round id keeps it once), not marked answered.
    const claim = noClaim
      ? db`select id from rounds where id = ${round.id} and owner_id = ${user}`
      : db`update rounds set answered_at = now(), answered_interaction_id = ${interaction.id} where id = ${round.id} and answered_at is null and owner_id = ${user} returning id`;
    await db`with claimed as (${claim}), inserted as (
        insert into answers (round_id, source, guild_id, user_id, deck_id, card_id, result, correct, choice, points, answered_at, award_day)
        select id, 'quiz', ${guild}, ${user}, 'cnn', 'cnn-1', 'good', true, null, 0, now(), current_date from claimed
        on conflict (round_id) do nothing returning id, user_id
      ), queued as (insert into answers_to_apply (answer_id, user_id) select id, user_id from inserted returning 1)
      select (select count(*)::int from inserted) as recorded, ${total(0)} as total`;
  } else if (challengeId) {
    await db`with open_challenge as (
        select id from daily_challenges where id = ${challengeId} and status = 'open' and card_id = 'cnn-1' and correct_index = 0 for share
      ), inserted as (
        insert into answers (challenge_id, source, guild_id, user_id, deck_id, card_id, result, correct, choice, points, answered_at, award_day)
        select id, 'daily', ${guild}, ${user}, 'cnn', 'cnn-1', 'right', true, 0, 3, now(), current_date from open_challenge
        on conflict (challenge_id, user_id) do nothing returning id, user_id
      ), queued as (insert into answers_to_apply (answer_id, user_id) select id, user_id from inserted returning 1),
      prior as (select coalesce(max(s.daily_streak), 0) as streak from member_stats s where s.guild_id = ${guild} and s.user_id = ${user})
      select exists (select 1 from open_challenge) as open, (select count(*)::int from inserted) as inserted, (select streak + 1 from prior) as streak, ${total(3)} as total`;
  }
}

/** After the answer, as deepcards' ledger does: the answer's row to apply is taken away (nothing else is applied). */
async function afterAnswer(db: postgres.Sql, interaction: Interaction): Promise<void> {
  const round = rounds.get(interaction.user.id);
  if (round?.presses === 1) await db`update rounds set revealed_at = coalesce(revealed_at, now()) where id = ${round.id}`;
  await db`delete from answers_to_apply where user_id = ${interaction.user.id}`;
}

async function answer(interaction: Interaction): Promise<void> {
  if (sql && deepcardsStatements) await deepcardsWrite(sql, interaction);
  else if (sql) await sql`insert into floor_presses (interaction_id, user_id, at) values (${interaction.id}, ${interaction.user.id}, now())`;
  if (interaction.isChatInputCommand()) await interaction.reply({ embeds: [commandEmbed], components: [buttonRow] });
  else if (interaction.isButton()) await interaction.update({ embeds: [updateEmbed] });
  if (sql && deepcardsStatements && interaction.isButton()) await afterAnswer(sql, interaction);
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
