/**
 * `/anime` and `/manga` in a server of 63 linked members (two pages of `userId_in`): the card, "In this server"
 * with every score format, privacy (private profiles, private entries, opt-in, opt-out, rejected tokens), members who
 * leave, the cache, the buttons, adult titles, and what every step costs in AniList requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADULT_REFUSED } from '../../commands/media/card.js';
import { SEED_MEDIA, SEED_USERS, type LoggedRequest, type MediaListStatus } from '../../fakes/anilist/index.js';
import { fakeUsers, type DiscordMessage, type FakeUser, type InteractionHandle } from '../../fakes/discord/index.js';
import { inEnglish } from '../../src/i18n/index.js';
import { RUN_LINK_FIRST } from '../../src/linking/index.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { addAniListUsers, discordMembers, linkAndUseServer } from '../support/server-members.js';
import { button, buttonsOf, type Embed, embedsOf, refusal } from '../support/messages.js';

const FRIEREN = SEED_MEDIA.frieren.id;
const FORMATS = ['POINT_100', 'POINT_10_DECIMAL', 'POINT_10', 'POINT_5', 'POINT_3'] as const;
const members = discordMembers(60);
const member = (n: number): FakeUser => members[n - 1]!;
const anilistIdOf = (n: number) => 730_000 + n;

/** Members 6, 8 and 11 have private AniList profiles; 8 and 11 opt in, 11's token is revoked; 9 opts out. */
const PRIVATE_PROFILES = new Set([6, 8, 11]);
const FRIEREN_ENTRIES: Record<number, [MediaListStatus, number, number, { private?: boolean }?]> = {
  1: ['COMPLETED', 90, 28],
  2: ['COMPLETED', 85, 28],
  3: ['CURRENT', 70, 7],
  4: ['PAUSED', 80, 10],
  5: ['DROPPED', 30, 3],
  6: ['COMPLETED', 100, 28],
  7: ['COMPLETED', 60, 28, { private: true }],
  8: ['CURRENT', 60, 3],
  9: ['COMPLETED', 40, 28],
  10: ['COMPLETED', 75, 28],
  11: ['COMPLETED', 50, 28],
  12: ['PLANNING', 0, 0],
  13: ['CURRENT', 88, 20],
  14: ['COMPLETED', 77, 28],
  15: ['REPEATING', 95, 5],
  16: ['PLANNING', 0, 0],
  17: ['DROPPED', 20, 1],
  18: ['PAUSED', 66, 14],
  19: ['COMPLETED', 0, 28],
  20: ['CURRENT', 0, 1],
};

let h: BotHarness;
let dir: string;
let guildId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anilink-card-'));
  h = await startBotHarness({
    dir,
    discord: { extraUsers: members },
    // Linking 63 members asks AniList 63 times; neither the fake nor the bot's limiter should make the suite wait.
    anilistFake: { rateLimitPerMinute: 100_000 },
    limiter: { perMinute: 100_000, burst: 100_000 },
    // 63 sign-ins from one address: the start page's per-IP limit is not what this suite is about.
    rateLimit: { max: 10_000, timeWindowMs: 60_000 },
  });
  guildId = h.discord.guilds[0]!.id;
  addAniListUsers(
    h.anilistFake,
    members.map((_, i) => ({ id: anilistIdOf(i + 1), name: `Member${i + 1}Ani`, scoreFormat: FORMATS[i % FORMATS.length]!, private: PRIVATE_PROFILES.has(i + 1) })),
  );
  for (const [n, [status, scoreRaw, progress, extra]] of Object.entries(FRIEREN_ENTRIES)) {
    h.anilistFake.store.addEntry({ userId: anilistIdOf(Number(n)), mediaId: FRIEREN, status, scoreRaw, progress, ...extra });
  }
  await linkAndUseServer(h, [
    ['alice', SEED_USERS.alice.id],
    ['bob', SEED_USERS.bob.id],
    ['carol', SEED_USERS.carol.id],
    ...members.map((user, i) => [user, anilistIdOf(i + 1)] as const),
  ]);
  for (const n of [8, 11]) await reply(h.discord.sendCommand({ name: 'privacy', user: member(n), options: [{ name: 'server_views', value: true }] }));
  await reply(h.discord.sendCommand({ name: 'privacy', user: member(9), options: [{ name: 'server_views', value: false }] }));
  h.anilistFake.revokeAllTokens(anilistIdOf(11));
}, 120_000);

afterAll(async () => {
  expect(h?.discord.schemaViolations ?? []).toEqual([]);
  expect((h?.discord.unknownRoutes ?? []).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});


async function reply(handle: InteractionHandle): Promise<string> {
  const initial = await handle.waitForInitialResponse();
  return (initial.data as { content?: string } | undefined)?.content ?? '';
}

/** A command answered with a deferred public reply and then the card. */
async function card(handle: InteractionHandle): Promise<DiscordMessage> {
  const initial = await handle.waitForInitialResponse();
  expect(initial.latencyMs).toBeLessThan(3000);
  expect(initial.type).toBe(5);
  expect((initial.data as { flags?: number } | undefined)?.flags ?? 0).toBe(0);
  const edit = await handle.waitForEdit();
  return edit.message!;
}


const anime = (user: FakeUser | keyof typeof fakeUsers, title: string | number, extra: { channelNsfw?: boolean; dm?: boolean } = {}) =>
  h.discord.sendCommand({ name: 'anime', user, options: [{ name: 'title', value: String(title) }], ...extra });
const serverLines = (message: DiscordMessage) => (embedsOf(message).find((e) => e.title === 'In this server')?.description ?? '').split('\n');
const lineOf = (message: DiscordMessage, discordId: string) => serverLines(message).find((line) => line.includes(`<@${discordId}>`));
/** GraphQL requests the fake AniList received while `run` ran. */
async function aniListRequestsDuring(run: () => Promise<unknown>): Promise<LoggedRequest[]> {
  const before = h.anilistFake.graphqlRequests().length;
  await run();
  return h.anilistFake.graphqlRequests().slice(before);
}
const operations = (requests: readonly LoggedRequest[]) => requests.map((r) => r.operationName);
const memberLookups = () => h.discord.requests.filter((r) => r.route === '/guilds/{guild_id}/members/{user_id}');

describe('/anime in a server of 63 linked members', () => {
  let frierenCard: DiscordMessage;
  let cardRequests: LoggedRequest[];

  it('types “fri”, picks the title from the suggestions and gets the card with the server’s view, for 4 AniList requests', async () => {
    let choices: { name: string; value: string }[] = [];
    cardRequests = await aniListRequestsDuring(async () => {
      const keystroke = h.discord.sendAutocomplete({ name: 'anime', user: 'alice', focused: 'title', focusedValue: 'fri' });
      expect((await keystroke.waitForInitialResponse()).latencyMs).toBeLessThan(3000);
      choices = (keystroke.choices() ?? []) as typeof choices;
      const picked = choices.find((choice) => choice.value === String(FRIEREN));
      expect(picked?.name).toBe("Frieren: Beyond Journey's End · anime, TV"); // alice reads English titles
      frierenCard = await card(anime('alice', picked!.value));
    });
    // Anime only: the manga of the same name is not offered by /anime.
    expect(choices.map((choice) => choice.value)).not.toContain(String(SEED_MEDIA.frierenManga.id));

    // One search for the keystroke, one request for the title and both pages of members, and one own-token read
    // for each opted-in member the public answer could not include (8, whose profile is private, and 11).
    expect(operations(cardRequests)).toEqual(['SearchMedia', 'MediaCard', 'OwnMediaListEntry', 'OwnMediaListEntry']);
    const pages = (cardRequests[1]!.body as { variables: Record<string, unknown> }).variables;
    expect((pages.members0 as number[]).length).toBe(50);
    expect((pages.members1 as number[]).length).toBe(12); // 63 linked, less the one who opted out
    expect([pages.with2, pages.with3]).toEqual([false, false]);
    expect([...(pages.members0 as number[]), ...(pages.members1 as number[])]).not.toContain(anilistIdOf(9));
    // The server view is read as a logged-out visitor; only an opted-in member's own read carries a token: theirs.
    expect(cardRequests[1]!.headers.authorization).toBeUndefined();
    expect(cardRequests.slice(2).map((r) => r.viewerId).sort()).toEqual([anilistIdOf(8), null]); // 11's token was revoked
    expect(h.links.member(member(11).id)?.state).toBe('rejected');
  });

  it('shows the title in the viewer’s language with the native title, its details, and a link to AniList', () => {
    const [title] = embedsOf(frierenCard);
    expect(title!.title).toBe("Frieren: Beyond Journey's End");
    expect(title!.url).toBe(`https://anilist.co/anime/${FRIEREN}`);
    expect(title!.thumbnail?.url).toContain(`bx${FRIEREN}-fake.jpg`);
    expect(title!.description).toBe('*葬送のフリーレン*\n\nFake description of Sousou no Frieren.');
    const fields = Object.fromEntries((title!.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({
      Format: 'TV',
      Episodes: '28 × 24 min',
      Status: 'Finished',
      Season: 'Fall 2023',
      'Average score': '91%',
      Genres: 'Adventure, Drama, Fantasy',
      Studio: 'MADHOUSE',
    });
    expect(fields['Next episode']).toBeUndefined();
    expect(buttonsOf(frierenCard).find((b) => b.label === 'AniList')?.url).toBe(`https://anilist.co/anime/${FRIEREN}`);
  });

  it('lists who has it: by status then score, each score in the member’s own format, the viewer marked, 15 lines and “and N more”, the server mean', () => {
    const lines = serverLines(frierenCard);
    const people = lines.filter((line) => line.includes('<@'));
    expect(people).toHaveLength(15);
    expect(lines).toContain('…and 4 more');
    // 14 members scored it: (88+80+70+60+95+95+90+85+77+75+80+66+30+20) / 14 = 72.2
    expect(lines.at(-1)).toBe('Server mean **72%** from 14 scores');
    const order = ['Watching', 'Rewatching', 'Completed', 'Paused'];
    const statuses = people.map((line) => order.findIndex((status) => line.includes(` · ${status}`)));
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
    expect(statuses.every((index) => index >= 0)).toBe(true);

    expect(lineOf(frierenCard, fakeUsers.alice.id)).toBe(`**<@${fakeUsers.alice.id}> (you) · Completed · 28/28 · 9.5/10**`);
    expect(lineOf(frierenCard, member(1).id)).toBe(`<@${member(1).id}> · Completed · 28/28 · 90/100`);
    expect(lineOf(frierenCard, member(2).id)).toBe(`<@${member(2).id}> · Completed · 28/28 · 8.5/10`);
    expect(lineOf(frierenCard, member(3).id)).toBe(`<@${member(3).id}> · Watching · 7/28 · 7/10`);
    expect(lineOf(frierenCard, member(4).id)).toBe(`<@${member(4).id}> · Paused · 10/28 · ★★★★☆`);
    expect(lineOf(frierenCard, member(10).id)).toBe(`<@${member(10).id}> · Completed · 28/28 · 🙂`);
    expect(lineOf(frierenCard, fakeUsers.carol.id)).toBe(`<@${fakeUsers.carol.id}> · Watching · 12/28 · ★★★★☆`);
    // The private-profile member who opted in is shown from their own read, in their own format.
    expect(lineOf(frierenCard, member(8).id)).toBe(`<@${member(8).id}> · Watching · 3/28 · 6/10`);
    // Within a status, the higher score first; unscored last.
    const completed = people.filter((line) => line.includes(' · Completed'));
    expect(completed.findIndex((l) => l.includes(fakeUsers.alice.id))).toBeLessThan(completed.findIndex((l) => l.includes(member(1).id)));
    expect(completed.findIndex((l) => l.includes(member(1).id))).toBeLessThan(completed.findIndex((l) => l.includes(member(2).id)));
    expect(completed.at(-1)).not.toMatch(/\/100|\/10|★|🙂/);
  });

  it('shows nothing AniList hides from a logged-out visitor, nor opted-out members or rejected links', () => {
    // 6: private profile. 7: private entry. 9: opted out. 11: opted in, but AniList rejected the token.
    for (const n of [6, 7, 9, 11]) expect(JSON.stringify(embedsOf(frierenCard))).not.toContain(member(n).id);
    // Members without the title are not listed at all.
    expect(JSON.stringify(embedsOf(frierenCard))).not.toContain(member(30).id);
  });

  it('answers another member from the cache: no AniList request, the card from their perspective', async () => {
    let carolsCard!: DiscordMessage;
    const requests = await aniListRequestsDuring(async () => {
      carolsCard = await card(anime('carol', FRIEREN));
    });
    expect(requests).toEqual([]);
    expect(embedsOf(carolsCard)[0]!.title).toBe('葬送のフリーレン'); // carol reads native titles
    expect(lineOf(carolsCard, fakeUsers.carol.id)).toBe(`**<@${fakeUsers.carol.id}> (you) · Watching · 12/28 · ★★★★☆**`);
    expect(lineOf(carolsCard, fakeUsers.alice.id)).toBe(`<@${fakeUsers.alice.id}> · Completed · 28/28 · 9.5/10`);
    expect(buttonsOf(carolsCard).map((b) => b.label)).toEqual(['+1', 'AniList']);
  });

  it('shows an unlinked viewer the same card, with buttons that ask them to link first', async () => {
    let davesCard!: DiscordMessage;
    const requests = await aniListRequestsDuring(async () => {
      davesCard = await card(anime('dave', FRIEREN));
    });
    expect(requests).toEqual([]);
    expect(embedsOf(davesCard)[0]!.title).toBe('Sousou no Frieren'); // AniList's default for logged-out visitors
    expect(serverLines(davesCard).some((line) => line.includes('(you)'))).toBe(false);
    expect(JSON.stringify(embedsOf(davesCard))).not.toContain(fakeUsers.dave.id);
    expect(buttonsOf(davesCard).map((b) => b.label)).toEqual(['Add to Planning', 'Set Watching', 'AniList']);
    const press = h.discord.sendButton({ customId: button(davesCard, 'Add to Planning'), user: 'dave', message: davesCard });
    expect((await press.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(RUN_LINK_FIRST), flags: MessageFlags.Ephemeral });
  });

  it('refreshes the cached view after the bot’s own /update of that title, without asking AniList again', async () => {
    const update = h.discord.sendCommand({ name: 'update', user: 'carol', options: [{ name: 'media', value: String(FRIEREN) }, { name: 'progress', value: 13 }] });
    await update.waitForEdit();
    let after!: DiscordMessage;
    const requests = await aniListRequestsDuring(async () => {
      after = await card(anime('alice', FRIEREN));
    });
    expect(requests).toEqual([]);
    expect(lineOf(after, fakeUsers.carol.id)).toBe(`<@${fakeUsers.carol.id}> · Watching · 13/28 · ★★★★☆`);
  });

  it('applies /privacy at once: an opted-out member disappears and is no longer asked about; one who opts back in reappears', async () => {
    expect(await reply(h.discord.sendCommand({ name: 'privacy', user: member(1), options: [{ name: 'server_views', value: false }] }))).toContain('do not appear');
    expect(await reply(h.discord.sendCommand({ name: 'privacy', user: member(9), options: [{ name: 'server_views', value: true }] }))).toContain('You appear');
    let after!: DiscordMessage;
    const requests = await aniListRequestsDuring(async () => {
      after = await card(anime('alice', FRIEREN));
    });
    expect(operations(requests)).toEqual(['MediaCard', 'OwnMediaListEntry']); // 8's own read; 9's profile is public
    const variables = (requests[0]!.body as { variables: { members0: number[]; members1: number[] } }).variables;
    const asked = [...variables.members0, ...variables.members1];
    expect(asked).not.toContain(anilistIdOf(1));
    expect(asked).toContain(anilistIdOf(9));
    expect(JSON.stringify(embedsOf(after))).not.toContain(member(1).id);
    expect(serverLines(after)).toContain(`<@${member(9).id}> · Completed · 28/28 · ★★☆☆☆`);
  });

  it('drops a member who left the server once Discord says so (10007), and shows them again when they come back', async () => {
    h.discord.removeMember(guildId, member(10).id);
    // Presence is trusted for an hour after the member's last interaction; then Discord is asked.
    h.clock.advance(2 * 60 * 60_000);
    const lookupsBefore = memberLookups().length;
    const after = await card(anime('alice', FRIEREN));
    const lookups = memberLookups().slice(lookupsBefore);
    expect(lookups.find((r) => r.path.endsWith(`/${member(10).id}`))?.status).toBe(404);
    // alice just interacted, so she is not looked up; everyone else with a line was (all present).
    expect(lookups.some((r) => r.path.endsWith(`/${fakeUsers.alice.id}`))).toBe(false);
    expect(lookups.filter((r) => r.status === 200).length).toBeGreaterThan(10);
    expect(JSON.stringify(embedsOf(after))).not.toContain(member(10).id);
    expect(h.app.membership.linkedMembers(guildId).some((m) => m.member.discordUserId === member(10).id)).toBe(false);

    // Confirmed now: the next card asks Discord nothing, and AniList nothing (cache).
    const lookupsNow = memberLookups().length;
    const requests = await aniListRequestsDuring(() => card(anime('bob', FRIEREN)));
    expect(memberLookups().length).toBe(lookupsNow);
    expect(requests).toEqual([]);

    // Back in the server and using the bot: shown again (the cached view already has their entry).
    h.discord.addMember(guildId, member(10).id);
    await reply(h.discord.sendCommand({ name: 'privacy', user: member(10) }));
    const back = await card(anime('alice', FRIEREN));
    expect(serverLines(back).join('\n')).toContain(`<@${member(10).id}> · Completed · 28/28 · 🙂`);
  });

  it('fetches again once the cached view is a few minutes old', async () => {
    h.clock.advance(4 * 60_000);
    const requests = await aniListRequestsDuring(() => card(anime('alice', FRIEREN)));
    expect(operations(requests)).toEqual(['MediaCard', 'OwnMediaListEntry']);
  });

  it('never lists a member in a server they have not used the bot in', async () => {
    const otherGuild = await startBotHarness({ dir: mkdtempSync(join(dir, 'other-')), discord: { extraUsers: members } });
    try {
      addAniListUsers(otherGuild.anilistFake, [{ id: anilistIdOf(1), name: 'Member1Ani', scoreFormat: 'POINT_100' }]);
      otherGuild.anilistFake.store.addEntry({ userId: anilistIdOf(1), mediaId: FRIEREN, status: 'COMPLETED', scoreRaw: 90, progress: 28 });
      // Linked (the /link interaction happened before the link existed), but never used the bot here since.
      await linkMember(otherGuild, member(1), anilistIdOf(1));
      await linkMember(otherGuild, 'alice', SEED_USERS.alice.id);
      const shown = await (async () => {
        const handle = otherGuild.discord.sendCommand({ name: 'anime', user: 'alice', options: [{ name: 'title', value: String(FRIEREN) }] });
        await handle.waitForInitialResponse();
        return (await handle.waitForEdit()).message!;
      })();
      const server = (shown.embeds as Embed[]).find((e) => e.title === 'In this server')!;
      expect(server.description).not.toContain(member(1).id);
      expect(server.description).toContain(`<@${fakeUsers.alice.id}> (you)`);
    } finally {
      await otherGuild.close();
    }
  });
});

describe('the card’s buttons', () => {
  const BOCCHI = SEED_MEDIA.bocchi.id;

  it('lets the viewer add the title and count episodes; the card updates in place, for two AniList requests a press', async () => {
    const handle = anime('alice', BOCCHI);
    const first = await card(handle);
    expect(buttonsOf(first).map((b) => b.label)).toEqual(['Add to Planning', 'Set Watching', 'AniList']);
    expect(lineOf(first, fakeUsers.alice.id)).toBeUndefined();

    // An unlinked member pressing gets “run /link” privately; nothing changes anywhere.
    const unlinked = h.discord.sendButton({ customId: button(first, 'Set Watching'), user: 'dave', from: handle });
    const unlinkedAnswer = await unlinked.waitForInitialResponse();
    expect(unlinkedAnswer.type).toBe(4);
    expect(unlinkedAnswer.data).toMatchObject({ content: inEnglish(RUN_LINK_FIRST), flags: MessageFlags.Ephemeral });

    let pressed!: InteractionHandle;
    const requests = await aniListRequestsDuring(async () => {
      pressed = h.discord.sendButton({ customId: button(first, 'Set Watching'), user: 'alice', from: handle });
      expect((await pressed.waitForInitialResponse()).type).toBe(6);
      await pressed.waitForEdit();
    });
    expect(operations(requests)).toEqual(['OwnMediaListEntry', 'SaveMediaListEntry']);
    expect(requests.every((r) => r.viewerId === SEED_USERS.alice.id)).toBe(true);
    const watching = handle.currentMessage()!;
    expect(lineOf(watching, fakeUsers.alice.id)).toBe(`**<@${fakeUsers.alice.id}> (you) · Watching · 0/12**`);
    expect(buttonsOf(watching).map((b) => b.label)).toEqual(['+1', 'AniList']);
    expect(pressed.followUps).toEqual([]); // the card itself is the answer
    expect(h.anilistFake.store.findEntry(SEED_USERS.alice.id, BOCCHI)).toMatchObject({ status: 'CURRENT', progress: 0 });

    const staleInc = button(watching, '+1');
    await h.discord.sendButton({ customId: staleInc, user: 'alice', from: handle }).waitForEdit();
    expect(lineOf(handle.currentMessage()!, fakeUsers.alice.id)).toBe(`**<@${fakeUsers.alice.id}> (you) · Watching · 1/12**`);

    // A second press of the button drawn at 0 (a double click, a stale card) counts once.
    const again = h.discord.sendButton({ customId: staleInc, user: 'alice', from: handle, allowMissingComponent: true });
    expect((await again.waitForFollowUp()).content).toContain('was updated elsewhere');
    expect(h.anilistFake.store.findEntry(SEED_USERS.alice.id, BOCCHI)?.progress).toBe(1);
  });

  it('acts on the presser’s own list when someone else presses, answers them privately and keeps the viewer’s card', async () => {
    const KAGEBOUSHA = SEED_MEDIA.kagebousha.id; // alice dropped it; member 13 never had it
    const handle = anime('alice', KAGEBOUSHA);
    const first = await card(handle);
    expect(lineOf(first, fakeUsers.alice.id)).toBe(`**<@${fakeUsers.alice.id}> (you) · Dropped · 2/6 · 4.0/10**`);

    const press = h.discord.sendButton({ customId: button(first, 'Set Watching'), user: member(13), from: handle });
    const answer = await press.waitForFollowUp();
    expect(answer.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(answer.content).toBe('✅ **Kagebousha Monogatari** on your list: Watching, 0/6.');
    expect(h.anilistFake.store.findEntry(anilistIdOf(13), KAGEBOUSHA)).toMatchObject({ status: 'CURRENT' });
    expect(h.anilistFake.store.findEntry(SEED_USERS.alice.id, KAGEBOUSHA)).toMatchObject({ status: 'DROPPED', progress: 2 });

    const redrawn = handle.currentMessage()!;
    expect(lineOf(redrawn, fakeUsers.alice.id)).toContain('(you) · Dropped');
    expect(lineOf(redrawn, member(13).id)).toBe(`<@${member(13).id}> · Watching · 0/6`);
    expect(buttonsOf(redrawn).map((b) => b.label)).toEqual(['Set Watching', 'AniList']); // still alice's buttons

    // +1 by someone who is not watching it changes nothing and says why, privately.
    const notWatching = h.discord.sendButton({ customId: button(redrawn, 'Set Watching'), user: member(14), from: handle });
    expect((await notWatching.waitForFollowUp()).content).toContain('on your list: Watching, 0/6');
    const inc = h.discord.sendButton({ customId: `anime:card:inc:${KAGEBOUSHA}:${fakeUsers.alice.id}:2`, user: member(15), from: handle, allowMissingComponent: true });
    expect((await inc.waitForFollowUp()).content).toBe('You are not watching **Kagebousha Monogatari**, so there is nothing to add 1 to.');
    expect(h.anilistFake.store.findEntry(anilistIdOf(15), KAGEBOUSHA)).toBeUndefined();
  });
});

describe('titles that are refused, and where there is no server', () => {
  it('refuses an 18+ title outside NSFW channels, privately, and shows it in one; autocomplete leaves it out', async () => {
    const adult = SEED_MEDIA.adultAnimeA.id;
    expect(await refusal(anime('alice', adult))).toBe(inEnglish(ADULT_REFUSED));
    expect(embedsOf(await card(anime('alice', adult, { channelNsfw: true })))[0]!.title).toBe('Secrets of the Night');
    const safe = h.discord.sendAutocomplete({ name: 'anime', user: 'alice', focused: 'title', focusedValue: 'himitsu' });
    await safe.waitForInitialResponse();
    expect((safe.choices() as { value: string }[]).map((c) => c.value)).toEqual([String(SEED_MEDIA.himitsuGarden.id)]);
  });

  it('answers unknown, ambiguous and wrong-type titles privately, with what to do', async () => {
    expect(await refusal(anime('alice', 'zzz no such show'))).toBe('No anime on AniList matches “zzz no such show”. Check the spelling, or pick from the suggestions as you type.');
    expect(await refusal(anime('alice', 'filler'))).toMatch(/^“filler” matches several titles\. Run `\/anime` again and pick one from the suggestions, for example:\n• /);
    const manga = h.discord.sendCommand({ name: 'manga', user: 'alice', options: [{ name: 'title', value: String(FRIEREN) }] });
    expect(await refusal(manga)).toBe(`AniList id ${FRIEREN} is an anime: use \`/anime\` for it.`);
  });

  it('resolves a typed title by search, and shows a manga with its authors', async () => {
    const typed = await card(anime('bob', 'Sousou no Frieren'));
    expect(embedsOf(typed)[0]!.url).toBe(`https://anilist.co/anime/${FRIEREN}`);
    const manga = await card(h.discord.sendCommand({ name: 'manga', user: 'bob', options: [{ name: 'title', value: String(SEED_MEDIA.frierenManga.id) }] }));
    const fields = Object.fromEntries((embedsOf(manga)[0]!.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ Format: 'Manga', Chapters: '?', Status: 'Publishing', Authors: 'Kanehito Yamada (Story), Tsukasa Abe (Art)' });
    expect(buttonsOf(manga).map((b) => b.label)).toContain('AniList');
  });

  it('shows the next episode of an airing anime as a Discord timestamp', async () => {
    const airing = await card(anime('bob', SEED_MEDIA.apothecary.id));
    const next = (embedsOf(airing)[0]!.fields ?? []).find((f) => f.name === 'Next episode')!.value;
    expect(next).toMatch(/^Episode 13 <t:\d+:R> \(<t:\d+:f>\)$/);
    const at = Number(/<t:(\d+):R>/.exec(next)![1]);
    expect(at * 1000).toBeGreaterThan(h.clock.nowMs());
  });

  it('shows just the title in DMs, where there is no server', async () => {
    const dm = await card(anime('alice', FRIEREN, { dm: true }));
    expect(embedsOf(dm).map((e) => e.title)).toEqual(["Frieren: Beyond Journey's End"]);
  });
});
