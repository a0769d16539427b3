/**
 * Garbage over the real wire: whatever Discord (or someone pretending to be it) sends, the bot process stays up,
 * /healthz stays 200, and the bot never answers Discord with an invalid request.
 */
import { MessageFlags } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionHandle } from '../../fakes/discord/index.js';
import { describeOutput, killAllBots } from './support/bot-process.js';
import { dataOf, expectCleanTrafficThisTest, startWorld, type World } from './support/world.js';

const UNKNOWN_COMMAND_MESSAGE = 'I do not know that command any more. Discord may still be updating the command list; try again in a minute.';
const STALE_COMPONENT_MESSAGE = 'This button is no longer active. Run the command again to get fresh buttons.';
const UNEXPECTED_ERROR_MESSAGE = 'Something went wrong on our side. Please try again in a moment.';
/** alice is not linked in this world, so /profile about herself says so. */
const NOT_LINKED_MESSAGE = 'Your Discord account is not linked to AniList yet. Run `/link` to connect it.';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await killAllBots();
  await world?.close();
});

afterEach(async () => {
  // After every bad input: still running, still healthy, still answering a normal command.
  expect(world.bot.exit, describeOutput(world.bot)).toBeUndefined();
  expect((await world.bot.health()).status).toBe(200);
  const check = world.discord.sendCommand({ name: 'profile', user: 'dave' });
  expect(dataOf(await check.waitForInitialResponse(5_000)).content).toContain('/link');
  // Whatever failed, members saw the generic message, never an error's text.
  const answers = world.discord.requests.filter((request) => request.path.startsWith('/interactions/')).map((request) => JSON.stringify(request.body));
  for (const answer of answers) expect(answer).not.toMatch(/TypeError|ReferenceError|at .*\.js:\d+/);
  // This test's own traffic: clean, nothing refused, no secrets.
  await expectCleanTrafficThisTest(world);
});

/**
 * Discord's verdict, from the fake's record: the bot's acknowledgement, or `undefined` once the 3 s deadline passed
 * without one (some garbage is rightly ignored; an answer after the deadline would be refused and recorded).
 */
function verdict(handle: InteractionHandle) {
  return handle.waitForAcknowledgement();
}

function expectEphemeral(response: Awaited<ReturnType<InteractionHandle['waitForAcknowledgement']>>, content: string) {
  expect(response, 'the bot should have answered in time').toBeDefined();
  expect(dataOf(response!).content).toBe(content);
  expect(dataOf(response!).flags! & MessageFlags.Ephemeral).toBeTruthy();
}

/** Sends every case at once, then checks each against Discord's verdict; ignored ones must stay unanswered. */
async function expectVerdicts(cases: { label: string; handle: InteractionHandle; expected: string | undefined }[]) {
  const verdicts = await Promise.all(cases.map(({ handle }) => verdict(handle)));
  cases.forEach(({ label, expected }, i) => {
    if (expected === undefined) expect(verdicts[i], `${label}: no answer expected`).toBeUndefined();
    else expectEphemeral(verdicts[i], expected);
  });
  expect(world.bot.exit, describeOutput(world.bot)).toBeUndefined();
  expect((await world.bot.health()).status).toBe(200);
  // Not answered late either: the fake would have recorded (and refused) any callback after the deadline.
  for (const { label, handle, expected } of cases) if (expected === undefined) expect(handle.callbacks, label).toEqual([]);
}

describe('bad input over the real wire', () => {
  it('unknown command names get the "unknown command" answer', async () => {
    for (const name of ['nonexistent', 'LINK', 'a'.repeat(32), 'list-old']) {
      const handle = world.discord.sendCommand({ name, user: 'alice' });
      expectEphemeral(await verdict(handle), UNKNOWN_COMMAND_MESSAGE);
    }
  });

  it('missing and garbled options on /profile', async () => {
    // What the bot does with each, explicitly: answers (alice is not linked, so /profile of herself says so), answers
    // with the generic error, or, when discord.js cannot even build an interaction from the payload, nothing.
    const garbage: [unknown, string | undefined][] = [
      [[{ name: 'user', type: 6 }], NOT_LINKED_MESSAGE],
      [[{ name: 'user', type: 6, value: 'not-a-snowflake' }], NOT_LINKED_MESSAGE],
      [[{ name: 'user', type: 6, value: '999999999999999999' }], NOT_LINKED_MESSAGE],
      [[{ name: 'user', type: 3, value: 12345 }], UNEXPECTED_ERROR_MESSAGE],
      [[{ name: 'nope', type: 3, value: 'x' }], NOT_LINKED_MESSAGE],
      [[{ name: 'user', type: 1, options: [{ name: 'deep', type: 1, options: [] }] }], NOT_LINKED_MESSAGE],
      [[null], undefined],
      ['garbage', undefined],
      [{ user: 'x' }, undefined],
    ];
    await expectVerdicts(
      garbage.map(([rawOptions, expected]) => ({
        label: JSON.stringify(rawOptions),
        handle: world.discord.sendCommand({ name: 'profile', user: 'alice', rawOptions }),
        expected,
      })),
    );
  });

  it('options on commands that take none, and garbage options on /link and /unlink', async () => {
    for (const name of ['link', 'unlink']) {
      const handle = world.discord.sendCommand({ name, user: 'carol', rawOptions: [{ name: 'x', type: 3, value: '\u0000'.repeat(10) }] });
      expect(await verdict(handle), `${name} should be answered in time`).toBeDefined();
    }
  });

  it('a button custom_id the bot never issued gets the "no longer active" answer', async () => {
    for (const customId of ['ghost:page:2', 'profile:anything', 'link', '', ':::', 'x'.repeat(100), '../../etc/passwd']) {
      const handle = world.discord.sendButton({ customId, user: 'alice', allowMissingComponent: true });
      expectEphemeral(await verdict(handle), STALE_COMPONENT_MESSAGE);
    }
  });

  it('autocomplete for a command without autocomplete answers an empty list', async () => {
    const handle = world.discord.sendAutocomplete({ name: 'profile', user: 'alice', focused: 'user', focusedValue: 'a' });
    const response = await verdict(handle);
    expect(response?.type).toBe(8);
    expect(handle.choices()).toEqual([]);
  });

  it('garbled INTERACTION_CREATE payloads never bring the process down', async () => {
    // Only a payload discord.js can still turn into a command interaction gets an answer; the rest are dropped
    // before the dispatcher sees them (nothing valid to answer), which is what each row asserts.
    const mutations: [string, (payload: Record<string, unknown>) => Record<string, unknown> | void, string | undefined][] = [
      ['no data', (p) => void delete p.data, undefined],
      ['data null', (p) => void (p.data = null), undefined],
      ['no user and no member', (p) => void (delete p.member, delete p.user), undefined],
      ['member without user', (p) => void (p.member = { roles: [], permissions: '0' }), undefined],
      ['unknown interaction type', (p) => void (p.type = 99), undefined],
      ['string type', (p) => void (p.type = 'APPLICATION_COMMAND'), undefined],
      ['no channel', (p) => void (delete p.channel, delete p.channel_id), NOT_LINKED_MESSAGE],
      ['bad locale and permissions', (p) => void ((p.locale = 42), (p.app_permissions = 'lots')), undefined],
      ['empty object', () => ({}), undefined],
    ];
    await expectVerdicts(mutations.map(([label, raw, expected]) => ({ label, handle: world.discord.sendCommand({ name: 'profile', user: 'alice', raw }), expected })));
  });
});
