import type { ButtonInteraction } from 'discord.js';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { guardDeadline } from '../../src/discord/deadline.js';

const EPHEMERAL = 64;

/** The calls a handler and the guard make on an interaction, in order, each answered after `restMs`. */
function fakeInteraction(kind: 'button' | 'command' | 'modal', restMs = 10) {
  const calls: string[] = [];
  const call = (name: string) => (options?: unknown) => {
    calls.push(options === undefined ? name : `${name} ${JSON.stringify(options)}`);
    return new Promise((resolve) => setTimeout(resolve, restMs));
  };
  const interaction = {
    isButton: () => kind === 'button',
    // A modal submitted from a card's button: answered on that card, like a press.
    isModalSubmit: () => kind === 'modal',
    isFromMessage: () => kind === 'modal',
    showModal: call('showModal'),
    reply: call('reply'),
    update: call('update'),
    deferUpdate: call('deferUpdate'),
    deferReply: call('deferReply'),
    editReply: call('editReply'),
    followUp: call('followUp'),
    deleteReply: call('deleteReply'),
  };
  // Typed as a press; guardDeadline tells a command from a press by isButton() alone.
  return { calls, interaction: interaction as unknown as ButtonInteraction };
}

describe('guardDeadline: a slow answer is deferred first, then delivered as Discord expects', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('GIVEN an answer before the time THEN it goes out as it is, and nothing is deferred later', async () => {
    const { calls, interaction } = fakeInteraction('button');
    const stop = guardDeadline(interaction, 2_000, false);
    const sent = interaction.update({ content: 'card' });
    await vi.advanceTimersByTimeAsync(10);
    await sent;
    stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toEqual(['update {"content":"card"}']);
  });

  test('GIVEN an answer still being sent at the time THEN it is not deferred as well', async () => {
    const { calls, interaction } = fakeInteraction('button', 3_000);
    guardDeadline(interaction, 2_000, false);
    const sent = interaction.update({ content: 'card' });
    await vi.advanceTimersByTimeAsync(3_000);
    await sent;
    expect(calls).toEqual(['update {"content":"card"}']);
  });

  test('GIVEN a slow press THEN it is deferred at the time, its update edits the message and its reply follows up', async () => {
    const { calls, interaction } = fakeInteraction('button');
    guardDeadline(interaction, 2_000, false);
    await vi.advanceTimersByTimeAsync(2_000);
    const updated = interaction.update({ content: 'graded' });
    const replied = interaction.reply({ content: 'note', flags: EPHEMERAL });
    await vi.advanceTimersByTimeAsync(50);
    await Promise.all([updated, replied]);
    expect(calls).toEqual(['deferUpdate', 'editReply {"content":"graded"}', `followUp {"content":"note","flags":${EPHEMERAL}}`]);
  });

  test('GIVEN an answer that comes while the deferral is in flight THEN it waits for the deferral', async () => {
    const { calls, interaction } = fakeInteraction('button', 500);
    guardDeadline(interaction, 2_000, false);
    await vi.advanceTimersByTimeAsync(2_100);
    const updated = interaction.update({ content: 'graded' });
    expect(calls).toEqual(['deferUpdate']);
    await vi.advanceTimersByTimeAsync(1_000);
    await updated;
    expect(calls).toEqual(['deferUpdate', 'editReply {"content":"graded"}']);
  });

  test('GIVEN a slow private command THEN the deferral is private and the private answer replaces it, without the flag an edit refuses', async () => {
    const { calls, interaction } = fakeInteraction('command');
    guardDeadline(interaction, 2_000, true);
    await vi.advanceTimersByTimeAsync(2_000);
    const replied = interaction.reply({ content: 'your card', flags: EPHEMERAL });
    await vi.advanceTimersByTimeAsync(50);
    await replied;
    expect(calls).toEqual([`deferReply {"flags":${EPHEMERAL}}`, 'editReply {"content":"your card"}']);
  });

  test('GIVEN a slow public command whose answer is private (an error) THEN the public "thinking" message goes and the answer follows up privately', async () => {
    const { calls, interaction } = fakeInteraction('command');
    guardDeadline(interaction, 2_000, false);
    await vi.advanceTimersByTimeAsync(2_000);
    const replied = interaction.reply({ content: 'Sorry', flags: EPHEMERAL });
    await vi.advanceTimersByTimeAsync(50);
    await replied;
    expect(calls).toEqual(['deferReply {}', 'deleteReply', `followUp {"content":"Sorry","flags":${EPHEMERAL}}`]);
  });

  test('GIVEN a deferral that fails THEN the answer is still tried, and its failure is the caller’s to handle', async () => {
    const { calls, interaction } = fakeInteraction('button');
    Object.assign(interaction, { deferUpdate: () => (calls.push('deferUpdate'), Promise.reject(new Error('Unknown interaction'))) });
    Object.assign(interaction, { editReply: () => (calls.push('editReply'), Promise.reject(new Error('Unknown interaction'))) });
    guardDeadline(interaction, 2_000, false);
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(interaction.update({ content: 'graded' })).rejects.toThrow('Unknown interaction');
    expect(calls).toEqual(['deferUpdate', 'editReply']);
  });

  test('GIVEN a slow modal submit from a card THEN it is deferred as an update of the card, and its update edits it', async () => {
    const { calls, interaction } = fakeInteraction('modal');
    guardDeadline(interaction, 2_000, false);
    await vi.advanceTimersByTimeAsync(2_000);
    const updated = interaction.update({ content: 'compared' });
    await vi.advanceTimersByTimeAsync(50);
    await updated;
    expect(calls).toEqual(['deferUpdate', 'editReply {"content":"compared"}']);
  });

  test('GIVEN a press answered with a modal before the time THEN nothing is deferred after it', async () => {
    const { calls, interaction } = fakeInteraction('button');
    guardDeadline(interaction, 2_000, false);
    const shown = interaction.showModal({ custom_id: 'v1:ta:1', title: 'Type your answer', components: [] });
    await vi.advanceTimersByTimeAsync(5_000);
    await shown;
    expect(calls).toEqual(['showModal {"custom_id":"v1:ta:1","title":"Type your answer","components":[]}']);
  });
});
