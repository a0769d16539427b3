import { MessageFlags } from 'discord.js';
import { inEnglish } from '../../src/i18n/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { LINK_EXPIRED, RUN_LINK_FIRST } from '../../src/linking/index.js';
import { NOT_YOUR_BUTTONS, STALE_LIST_BUTTON } from '../../commands/list.js';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, type DiscordMessage, type InteractionHandle, type SendCommandOptions } from '../../fakes/discord/index.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-list-');
let harness: BotHarness | undefined;

afterEach(async () => {
  // Every test's Discord traffic must have been valid: sizes, counts and shapes Discord would accept.
  expect(harness?.discord.schemaViolations ?? []).toEqual([]);
  await harness?.close();
  harness = undefined;
});

type Embed = { title?: string; description?: string; footer?: { text: string } };
type Button = { custom_id?: string; label?: string; disabled?: boolean };

const embedOf = (message: DiscordMessage | null | undefined) => (message?.embeds[0] ?? {}) as Embed;
const buttonsOf = (message: DiscordMessage | null | undefined) =>
  (message?.components ?? []).flatMap((row) => (row as { components: Button[] }).components);
const button = (message: DiscordMessage | null | undefined, label: string) => {
  const found = buttonsOf(message).find((b) => b.label === label);
  if (!found?.custom_id) throw new Error(`no button labelled ${label}`);
  return found.custom_id;
};

async function start(): Promise<BotHarness> {
  harness = await startBotHarness({ dir: tempDir() });
  return harness;
}

async function list(h: BotHarness, options: Omit<SendCommandOptions, 'name'>): Promise<{ handle: InteractionHandle; message: DiscordMessage }> {
  const handle = h.discord.sendCommand({ name: 'list', ...options });
  const initial = await handle.waitForInitialResponse();
  expect(initial.latencyMs).toBeLessThan(3000);
  expect(initial.type).toBe(5); // deferred: AniList is involved
  const edit = await handle.waitForEdit();
  return { handle, message: edit.message! };
}

function entryOf(h: BotHarness, user: keyof typeof SEED_USERS, media: keyof typeof SEED_MEDIA) {
  const entry = h.anilistFake.store.findEntry(SEED_USERS[user].id, SEED_MEDIA[media].id);
  if (!entry) throw new Error(`seed has no ${user}/${media} entry`);
  return entry;
}

describe('/list', () => {
  it('shows each owner’s score format, progress as n/total, and titles in the viewer’s language', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    await linkMember(h, 'carol', SEED_USERS.carol.id);
    await linkMember(h, 'dave', SEED_USERS.dave.id);

    // alice: POINT_10_DECIMAL, ENGLISH titles. frieren raw 95 → 9.5/10.
    const alice = embedOf((await list(h, { user: 'alice', options: [{ name: 'status', value: 'COMPLETED' }] })).message);
    expect(alice.title).toBe("AliceFake's anime · Completed");
    expect(alice.description).toContain("[Frieren: Beyond Journey's End](https://anilist.co/anime/1001) · Ep 28/28 · 9.5/10");

    // bob: POINT_100, ROMAJI. madoka's raw score shows as n/100.
    const madoka = entryOf(h, 'bob', 'madoka');
    madoka.updatedAt = 2_000_000_000; // onto the first page
    const bob = embedOf((await list(h, { user: 'bob', options: [{ name: 'status', value: madoka.status }] })).message);
    expect(bob.description).toContain(`[Mahou Shoujo Madoka☆Magica](https://anilist.co/anime/1015) · Ep ${madoka.progress}/12 · ${madoka.scoreRaw}/100`);

    // carol: POINT_5, NATIVE. frieren raw 80 → 4 stars; chainsaw man manga has no known chapter count.
    const carol = embedOf((await list(h, { user: 'carol' })).message);
    expect(carol.description).toContain('[葬送のフリーレン](https://anilist.co/anime/1001) · Ep 12/28 · ★★★★☆');
    const carolManga = embedOf((await list(h, { user: 'carol', options: [{ name: 'type', value: 'MANGA' }] })).message);
    expect(carolManga.title).toBe("CarolFake's manga · Reading");
    expect(carolManga.description).toContain('[チェンソーマン](https://anilist.co/manga/2004) · Ch 120/? · ★★☆☆☆');

    // dave: POINT_3, ROMAJI. aot raw 85 → :) ; mushishi raw 60 → :| ; vagabond unscored.
    const dave = embedOf((await list(h, { user: 'dave', options: [{ name: 'status', value: 'ALL' }] })).message);
    expect(dave.description).toContain('[Shingeki no Kyojin](https://anilist.co/anime/1002) · Ep 25/25 · 🙂 · Completed');
    expect(dave.description).toContain('[Mushishi](https://anilist.co/anime/1017) · Ep 10/26 · 😐 · Paused');
    const daveManga = embedOf((await list(h, { user: 'dave', options: [{ name: 'type', value: 'MANGA' }] })).message);
    expect(daveManga.description).toContain('[Vagabond](https://anilist.co/manga/2005) · Ch 200/327 · —');

    // Another member's list: the OWNER's score format, the VIEWER's title language (alice reads English).
    const bobByAlice = embedOf((await list(h, { user: 'alice', options: [{ name: 'user', value: fakeUsers.bob.id }, { name: 'status', value: madoka.status }] })).message);
    expect(bobByAlice.title).toBe(`BobFake's anime · ${bob.title!.split(' · ')[1]}`);
    expect(bobByAlice.description).toContain(`[Puella Magi Madoka Magica](https://anilist.co/anime/1015) · Ep ${madoka.progress}/12 · ${madoka.scoreRaw}/100`);
  });

  it('sorts by last update, newest first', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    entryOf(h, 'alice', 'nastyTitle').updatedAt = 2_000_000_000;
    const { message } = await list(h, { user: 'alice' });
    const lines = embedOf(message).description!.split('\n');
    expect(lines[0]).toContain('anime/1009');
    // The title's Markdown, HTML and mention characters render literally.
    expect(lines[0]).toContain('\\<img src=x onerror=alert\\(1\\)\\> \\*Nasty\\* \\~\\~Title\\~\\~ @here');
  });

  it('pages through 60+ entries with Next and Previous; only the caller may press them', async () => {
    const h = await start();
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    const { handle, message } = await list(h, { user: 'bob', channelNsfw: true, options: [{ name: 'status', value: 'ALL' }] });
    // Bob's private entries are never in a (public) /list message, not even his own.
    const animeCount = h.anilistFake.store.entriesOf(SEED_USERS.bob.id, 'ANIME').filter((e) => !e.private).length;
    expect(animeCount).toBeGreaterThanOrEqual(50);
    const pages = Math.ceil(animeCount / 10);
    expect(embedOf(message).footer!.text).toContain(`Page 1/${pages} · ${animeCount} entries`);
    expect(buttonsOf(message).find((b) => b.label === '◀ Previous')?.disabled).toBe(true);
    const firstPage = embedOf(message).description;

    const requestsBefore = h.anilistFake.graphqlRequests().length;
    const next = h.discord.sendButton({ customId: button(message, 'Next ▶'), from: handle, user: 'bob', channelNsfw: true });
    expect((await next.waitForInitialResponse()).type).toBe(6); // deferred update of the same message
    const page2 = (await next.waitForEdit()).message!;
    expect(embedOf(page2).footer!.text).toContain(`Page 2/${pages}`);
    expect(embedOf(page2).description).toMatch(/^`11\.`/);
    // Served from the client's cache: paging costs no AniList request.
    expect(h.anilistFake.graphqlRequests().length).toBe(requestsBefore);

    // Someone else pressing bob's buttons is refused privately and the message is untouched.
    const intruder = h.discord.sendButton({ customId: button(page2, '◀ Previous'), from: handle, user: 'alice', channelNsfw: true });
    const refusal = await intruder.waitForInitialResponse();
    expect(refusal.data).toMatchObject({ content: inEnglish(NOT_YOUR_BUTTONS), flags: MessageFlags.Ephemeral });
    expect(embedOf(handle.currentMessage()).footer!.text).toContain(`Page 2/${pages}`);

    const previous = h.discord.sendButton({ customId: button(page2, '◀ Previous'), from: handle, user: 'bob', channelNsfw: true });
    const back = (await previous.waitForEdit()).message!;
    expect(embedOf(back).description).toBe(firstPage);

    // Walk to the last page: Next is disabled there.
    let current = back;
    for (let page = 2; page <= pages; page++) {
      const press = h.discord.sendButton({ customId: button(current, 'Next ▶'), from: handle, user: 'bob', channelNsfw: true });
      current = (await press.waitForEdit()).message!;
    }
    expect(embedOf(current).footer!.text).toContain(`Page ${pages}/${pages}`);
    expect(buttonsOf(current).find((b) => b.label === 'Next ▶')?.disabled).toBe(true);
  });

  it('answers stale buttons politely: a page that no longer exists, an unknown format, a restarted bot', async () => {
    const h = await start();
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    const { handle } = await list(h, { user: 'bob', options: [{ name: 'status', value: 'ALL' }] });

    const gone = h.discord.sendButton({ customId: `list:page:${fakeUsers.bob.id}:${fakeUsers.bob.id}:A:ALL:99`, from: handle, user: 'bob', allowMissingComponent: true });
    const last = (await gone.waitForEdit()).message!;
    expect(last.content).toContain('this is now its last page');
    expect(embedOf(last).footer!.text).toMatch(/^Page (\d+)\/\1 /);

    const oldFormat = h.discord.sendButton({ customId: 'list:page:2', from: handle, user: 'bob', allowMissingComponent: true });
    expect((await oldFormat.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(STALE_LIST_BUTTON), flags: MessageFlags.Ephemeral });

    // After a restart nothing in memory survives; the custom id carries all that is needed to rebuild the page.
    const restarted = await startBotHarness({ dir: tempDir() });
    try {
      await linkMember(restarted, 'bob', SEED_USERS.bob.id);
      const before = restarted.anilistFake.graphqlRequests().length;
      const press = restarted.discord.sendButton({ customId: `list:page:${fakeUsers.bob.id}:${fakeUsers.bob.id}:A:ALL:2`, user: 'bob', allowMissingComponent: true, message: handle.currentMessage()! });
      const page = (await press.waitForEdit()).message!;
      expect(embedOf(page).footer!.text).toContain('Page 2/');
      expect(restarted.anilistFake.graphqlRequests().length).toBeGreaterThan(before);
      expect(restarted.discord.schemaViolations).toEqual([]);
    } finally {
      await restarted.close();
    }
  });

  it('hides adult entries outside NSFW channels (and in DMs) and shows them in NSFW ones', async () => {
    const h = await start();
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    const adult = entryOf(h, 'bob', 'adultAnimeA');
    const options = [{ name: 'status', value: adult.status }];

    const safe = (await list(h, { user: 'bob', channelNsfw: false, options })).message;
    expect(JSON.stringify(safe)).not.toContain('Yoru no Himitsu');
    // The public message says nothing about what was left out (not even how many).
    expect(embedOf(safe).footer!.text).not.toMatch(/18\+|hidden|NSFW/);

    const inDm = (await list(h, { user: 'bob', dm: true, options })).message;
    expect(JSON.stringify(inDm)).not.toContain('Yoru no Himitsu');

    const nsfw = (await list(h, { user: 'bob', channelNsfw: true, options })).message;
    expect(embedOf(nsfw).description).toContain('Yoru no Himitsu');
    expect(embedOf(nsfw).footer!.text).not.toContain('18+');
  });

  it('keeps the 200+ character title inside Discord limits, truncated with …', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    const { message } = await list(h, { user: 'alice', options: [{ name: 'status', value: 'PAUSED' }] });
    const line = embedOf(message).description!;
    expect(line).toContain('I Was Reincarnated as the Strongest Wizard');
    expect(line).toContain('…](https://anilist.co/anime/1008)');
    expect(line.length).toBeLessThan(300);
  });

  it('explains unlinked targets, unlinked callers, private profiles and empty lists', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'carol', SEED_USERS.erin.id); // private AniList profile
    await linkMember(h, 'bob', SEED_USERS.frank.id); // empty lists
    const requests = () => h.anilistFake.graphqlRequests().length;

    let before = requests();
    const notLinked = await h.discord.sendCommand({ name: 'list', user: 'alice', options: [{ name: 'user', value: fakeUsers.dave.id }] }).waitForInitialResponse();
    expect(notLinked.data).toMatchObject({ flags: MessageFlags.Ephemeral });
    expect((notLinked.data as { content: string }).content).toContain('has not linked an AniList account');
    const callerUnlinked = await h.discord.sendCommand({ name: 'list', user: 'dave' }).waitForInitialResponse();
    expect(callerUnlinked.data).toMatchObject({ content: inEnglish(RUN_LINK_FIRST), flags: MessageFlags.Ephemeral });
    expect(requests()).toBe(before);

    const privateList = h.discord.sendCommand({ name: 'list', user: 'alice', options: [{ name: 'user', value: fakeUsers.carol.id }] });
    const privateAnswer = await privateList.waitForFollowUp();
    expect(privateAnswer.content).toBe("ErinPrivate's AniList profile is private, so their list cannot be shown.");
    expect(privateAnswer.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(privateList.currentMessage()).toBeNull();

    // The owner sees their own private list.
    const own = (await list(h, { user: 'carol', options: [{ name: 'status', value: 'COMPLETED' }] })).message;
    expect(embedOf(own).description).toContain('anime/1001');

    const empty = (await list(h, { user: 'bob' })).message;
    expect(empty.content).toBe('Nothing on your anime list under “Watching” yet.');
    expect(empty.embeds).toEqual([]);
    before = requests();
    expect(before).toBeGreaterThan(0);
  });

  it('an expired token says to run /link, marks the link, and the next /list asks nothing of AniList', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    h.anilistFake.revokeAllTokens(SEED_USERS.alice.id);
    const failed = h.discord.sendCommand({ name: 'list', user: 'alice' });
    const message = await failed.waitForFollowUp();
    expect(message.content).toContain('/link');
    expect(message.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(h.links.member(fakeUsers.alice.id)?.state).toBe('rejected');

    const before = h.anilistFake.graphqlRequests().length;
    const again = await h.discord.sendCommand({ name: 'list', user: 'alice' }).waitForInitialResponse();
    expect(again.data).toMatchObject({ content: inEnglish(LINK_EXPIRED), flags: MessageFlags.Ephemeral });
    expect(h.anilistFake.graphqlRequests().length).toBe(before);
    // No token or stack trace in anything sent to Discord.
    expect(JSON.stringify(h.discord.requests.map((r) => r.body))).not.toMatch(/Bearer|eyJ|at .*\.ts:\d+/);
  });
});

describe('/list +1 buttons', () => {
  it('increments progress on the caller’s own CURRENT list, refuses others and stale double clicks', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    const apothecary = entryOf(h, 'alice', 'apothecary');
    apothecary.updatedAt = 2_000_000_000; // first on the page
    const { handle, message } = await list(h, { user: 'alice' });
    const plusOne = buttonsOf(message).find((b) => b.custom_id?.includes(`:${SEED_MEDIA.apothecary.id}:`));
    expect(plusOne?.label).toBe('#1 +1');

    const intruder = h.discord.sendButton({ customId: plusOne!.custom_id!, from: handle, user: 'bob' });
    expect((await intruder.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(NOT_YOUR_BUTTONS) });
    expect(apothecary.progress).toBe(10);

    const press = h.discord.sendButton({ customId: plusOne!.custom_id!, from: handle, user: 'alice' });
    const updated = (await press.waitForEdit()).message!;
    expect(apothecary.progress).toBe(11);
    expect(updated.content).toBe('✅ **The Apothecary Diaries**: Ep 11/?');
    // The list was re-read after the write: the new progress is on the page, and the next +1 starts from it.
    expect(embedOf(updated).description).toContain('The Apothecary Diaries](https://anilist.co/anime/1005) · Ep 11/?');
    expect(buttonsOf(updated).find((b) => b.custom_id?.includes(':1005:'))?.custom_id).toMatch(/:11$/);

    // The same old button again (a double click): nothing changes.
    const stale = h.discord.sendButton({ customId: plusOne!.custom_id!, from: handle, user: 'alice', allowMissingComponent: true });
    expect((await stale.waitForEdit()).message!.content).toContain('updated elsewhere');
    expect(apothecary.progress).toBe(11);

    // Other lists get no +1 buttons.
    const other = (await list(h, { user: 'alice', options: [{ name: 'user', value: fakeUsers.bob.id }] })).message;
    expect(buttonsOf(other).some((b) => b.label?.endsWith('+1'))).toBe(false);
  });
});

describe('/list and private entries', () => {
  it('never shows the owner’s private entries in the public message, not even on their own list, and offers no +1 for them', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    await linkMember(h, 'bob', SEED_USERS.bob.id);
    const apothecary = entryOf(h, 'alice', 'apothecary');
    apothecary.private = true; // "only visible to authenticated user": alice's token returns it
    apothecary.updatedAt = 2_000_000_000;

    const { handle, message } = await list(h, { user: 'alice' });
    expect(message.flags & MessageFlags.Ephemeral).toBeFalsy();
    expect(JSON.stringify(message)).not.toContain('Apothecary');
    expect(embedOf(message).footer!.text).not.toMatch(/private|hidden/);
    expect(buttonsOf(message).some((b) => b.custom_id?.includes(`:${SEED_MEDIA.apothecary.id}:`))).toBe(false);

    // A hand-made +1 for the private entry changes nothing and reveals nothing.
    const crafted = h.discord.sendButton({ customId: `list:inc:${fakeUsers.alice.id}:A:1:${SEED_MEDIA.apothecary.id}:10`, from: handle, user: 'alice', allowMissingComponent: true });
    const after = (await crafted.waitForEdit()).message!;
    expect(after.content).toContain('no longer on this list');
    expect(JSON.stringify(after)).not.toContain('Apothecary');
    expect(apothecary.progress).toBe(10);

    // Others never get it either (AniList hides it from their token); only the count differs.
    const byBob = (await list(h, { user: 'bob', options: [{ name: 'user', value: fakeUsers.alice.id }] })).message;
    expect(JSON.stringify(byBob)).not.toContain('Apothecary');
    // AniList never sends it to bob's token, so the bot cannot even count it as hidden there.
    expect(embedOf(byBob).footer!.text).not.toContain('private');
  });

  it('says nothing about hidden private entries, even when nothing public is left', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    const paused = h.anilistFake.store.entriesOf(SEED_USERS.alice.id, 'ANIME').filter((e) => e.status === 'PAUSED');
    expect(paused.length).toBeGreaterThan(0);
    for (const entry of paused) entry.private = true;
    const { message } = await list(h, { user: 'alice', options: [{ name: 'status', value: 'PAUSED' }] });
    expect(message.embeds).toEqual([]);
    expect(message.content).toBe('Nothing on your anime list under “Paused” yet.');
  });
});

describe('/list +1 against changes made on AniList', () => {
  it('reads the entry fresh before writing: a +1 never rolls back progress set on the website', async () => {
    const h = await start();
    await linkMember(h, 'alice', SEED_USERS.alice.id);
    const apothecary = entryOf(h, 'alice', 'apothecary');
    apothecary.updatedAt = 2_000_000_000;
    const { handle, message } = await list(h, { user: 'alice' });
    const plusOne = buttonsOf(message).find((b) => b.custom_id?.includes(`:${SEED_MEDIA.apothecary.id}:`))!.custom_id!;
    expect(plusOne).toMatch(/:10$/);

    // Within the client’s cache lifetime, the member sets progress to 14 on the AniList website.
    apothecary.progress = 14;
    const press = h.discord.sendButton({ customId: plusOne, from: handle, user: 'alice' });
    const page = (await press.waitForEdit()).message!;
    expect(apothecary.progress).toBe(14);
    expect(h.anilistFake.graphqlRequests().some((r) => r.operationName === 'SaveMediaListEntry')).toBe(false);
    expect(page.content).toContain('progress is already 14 on AniList, so nothing was changed');
    // The page is redrawn from the fresh read, so the next +1 starts from 14.
    expect(embedOf(page).description).toContain('Ep 14/?');
    expect(buttonsOf(page).find((b) => b.custom_id?.includes(`:${SEED_MEDIA.apothecary.id}:`))?.custom_id).toMatch(/:14$/);
  });
});
