/** Reading what the bot sent to the fake Discord: embeds, buttons, and a private refusal. */
import { MessageFlags } from 'discord.js';
import { expect } from 'vitest';
import type { DiscordMessage, InteractionHandle } from '../../fakes/discord/index.js';

export type Embed = {
  title?: string;
  description?: string;
  url?: string;
  thumbnail?: { url: string };
  footer?: { text: string };
  fields?: { name: string; value: string }[];
};
export type Button = { custom_id?: string; label?: string; url?: string; style?: number };

export const embedsOf = (message: DiscordMessage) => message.embeds as Embed[];
export const buttonsOf = (message: DiscordMessage) => message.components.flatMap((row) => (row as { components: Button[] }).components);

/** The custom id of the button labelled `label`; throws, naming the labels there are, when there is none. */
export function button(message: DiscordMessage, label: string): string {
  const found = buttonsOf(message).find((b) => b.label === label);
  if (!found?.custom_id) throw new Error(`no "${label}" button among ${JSON.stringify(buttonsOf(message).map((b) => b.label))}`);
  return found.custom_id;
}

/**
 * A private refusal's text: sent at once as an ephemeral reply (known before the reply was deferred), or as an
 * ephemeral follow-up replacing the public placeholder, which is gone.
 */
export async function refusal(handle: InteractionHandle): Promise<string> {
  const initial = await handle.waitForInitialResponse();
  if (initial.type === 4) {
    const data = initial.data as { content: string; flags?: number };
    expect((data.flags ?? 0) & MessageFlags.Ephemeral).toBeTruthy();
    return data.content;
  }
  const followUp = await handle.waitForFollowUp();
  expect(followUp.flags & MessageFlags.Ephemeral).toBeTruthy();
  expect(handle.currentMessage()).toBeNull();
  return followUp.content;
}
