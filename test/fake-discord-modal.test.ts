import { once } from 'node:events';
import { Client, ComponentType, Events, GatewayIntentBits, TextInputStyle, type APIModalInteractionResponseCallbackData, type Interaction } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeDiscord, modalTextInputs, type FakeChannel, type FakeGuild, type FakeMember } from './support/fake-discord/index.js';

const MODAL: APIModalInteractionResponseCallbackData = {
  custom_id: 'note:1',
  title: 'Leave a note',
  components: [
    {
      type: ComponentType.Label,
      label: 'Your note',
      component: { type: ComponentType.TextInput, custom_id: 'text', style: TextInputStyle.Paragraph, max_length: 20, required: true },
    },
  ],
};

/** A tiny bot: a button opens a modal (or a too-long-titled one); the submit edits the message with what was typed. */
async function handle(interaction: Interaction): Promise<void> {
  if (interaction.isChatInputCommand()) {
    await interaction.reply({
      content: 'card',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            { type: ComponentType.Button, custom_id: 'open', label: 'Open', style: 1 },
            { type: ComponentType.Button, custom_id: 'bad', label: 'Bad', style: 1 },
          ],
        },
      ],
    });
  } else if (interaction.isButton()) {
    const modal = interaction.customId === 'bad' ? { ...MODAL, title: 'x'.repeat(46) } : MODAL;
    await interaction.showModal(modal).catch(async () => interaction.reply({ content: 'modal refused', flags: 64 }));
  } else if (interaction.isModalSubmit() && interaction.isFromMessage()) {
    await interaction.update({ content: `${interaction.user.username} typed: ${interaction.fields.getTextInputValue('text')}`, components: [] });
  }
}

describe('FakeDiscord modals: callback type 9 and the modal submit (interaction type 5)', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guild: FakeGuild;
  let channel: FakeChannel;
  let alice: FakeMember;
  let bob: FakeMember;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    guild = fake.addGuild({ name: 'Modal Hall' });
    channel = fake.addChannel(guild.id, { name: 'general' });
    alice = fake.addMember(guild.id, { username: 'alice' });
    bob = fake.addMember(guild.id, { username: 'bob' });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    client.on(Events.InteractionCreate, (i) => void handle(i).catch((e: unknown) => console.error(e)));
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
  });
  afterAll(async () => {
    await client?.destroy();
    await fake?.stop();
  });

  const card = async () => (await fake.command({ user: alice, guildId: guild.id, channelId: channel.id, name: 'card' })).message!;

  test('GIVEN a button answered with a modal THEN callback 9 records it, and its submit updates the button’s message', async () => {
    const message = await card();
    const opened = await fake.press({ user: alice, message: message.id, customId: 'open' });
    expect(opened.callbackType).toBe(9);
    expect(opened.data?.custom_id).toBe('note:1');
    expect(modalTextInputs(opened.data!)).toEqual([{ customId: 'text', label: 'Your note', style: 2, required: true, minLength: 0, maxLength: 20 }]);

    const submitted = await fake.submitModal({ modal: opened, values: { text: 'hello' } });
    expect(submitted.interaction().type).toBe(5);
    expect(submitted.interaction().payload.data).toMatchObject({ custom_id: 'note:1', components: [{ type: 18, component: { type: 4, custom_id: 'text', value: 'hello' } }] });
    expect(submitted.callbackType).toBe(7);
    expect(fake.message(message.id)?.content).toBe('alice typed: hello');
  });

  test('GIVEN a submit by another member THEN the interaction comes from them', async () => {
    const message = await card();
    const opened = await fake.press({ user: alice, message: message.id, customId: 'open' });
    await fake.submitModal({ modal: opened, values: { text: 'mine now' }, user: bob });
    expect(fake.message(message.id)?.content).toBe('bob typed: mine now');
  });

  test('GIVEN a value over max_length, a missing required value or an unknown input THEN the fake refuses to submit', async () => {
    const message = await card();
    const opened = await fake.press({ user: alice, message: message.id, customId: 'open' });
    await expect(fake.submitModal({ modal: opened, values: { text: 'x'.repeat(21) } })).rejects.toThrow(/at most 20/);
    await expect(fake.submitModal({ modal: opened, values: {} })).rejects.toThrow(/required/);
    await expect(fake.submitModal({ modal: opened, values: { text: 'a', other: 'b' } })).rejects.toThrow(/no text input "other"/);
  });

  test('GIVEN a modal title over 45 characters THEN the callback fails with 50035 like Discord', async () => {
    const message = await card();
    const r = await fake.press({ user: alice, message: message.id, customId: 'bad' });
    expect(r.callbackType).toBe(4);
    expect(r.data?.content).toBe('modal refused');
    expect(fake.requestsMatching('POST', /\/callback$/).some((q) => q.status === 400 && (q.responseBody as { code?: number }).code === 50035)).toBe(true);
  });

  test('GIVEN an interaction not answered with a modal THEN submitModal says so', async () => {
    const r = await fake.command({ user: alice, guildId: guild.id, channelId: channel.id, name: 'card' });
    await expect(fake.submitModal({ modal: r, values: { text: 'x' } })).rejects.toThrow(/not a modal/);
  });
});
