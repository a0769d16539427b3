import { MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTHING_TO_CHANGE } from '../../commands/update.js';
import { SEED_MEDIA, SEED_USERS, type ScoreFormat } from '../../fakes/anilist/index.js';
import { fakeUsers, type CommandOptionInput, type DiscordMessage, type InteractionHandle, type SendAutocompleteOptions } from '../../fakes/discord/index.js';
import { linkMember, startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { useTempDir } from '../support/temp.js';
import { inEnglish } from '../../src/i18n/index.js';

const tempDir = useTempDir('anilink-update-');
let harness: BotHarness | undefined;

afterEach(async () => {
  expect(harness?.discord.schemaViolations ?? []).toEqual([]);
  await harness?.close();
  harness = undefined;
});

type Member = keyof typeof fakeUsers;
type Choice = { name: string; value: string };
type Field = { name: string; value: string };

async function start(links: [Member, number][]): Promise<BotHarness> {
  harness = await startBotHarness({ dir: tempDir() });
  for (const [member, anilistId] of links) await linkMember(harness, member, anilistId);
  return harness;
}

async function autocomplete(h: BotHarness, options: Omit<SendAutocompleteOptions, 'name' | 'focused'>): Promise<Choice[]> {
  const handle = h.discord.sendAutocomplete({ name: 'update', focused: 'media', ...options });
  const initial = await handle.waitForInitialResponse();
  expect(initial.type).toBe(8);
  expect(initial.latencyMs).toBeLessThan(3000);
  return (handle.choices() ?? []) as Choice[];
}

function sendUpdate(h: BotHarness, user: Member, media: string, options: CommandOptionInput[], extra: { channelNsfw?: boolean } = {}): InteractionHandle {
  return h.discord.sendCommand({ name: 'update', user, options: [{ name: 'media', value: media }, ...options], ...extra });
}

async function updated(handle: InteractionHandle): Promise<DiscordMessage> {
  expect((await handle.waitForInitialResponse()).type).toBe(5);
  return (await handle.waitForEdit()).message!;
}

const fieldsOf = (message: DiscordMessage) =>
  Object.fromEntries(((message.embeds[0] as { fields?: Field[] }).fields ?? []).map((f) => [f.name, f.value]));

describe('/update autocomplete', () => {
  it('offers own CURRENT and PLANNING entries first, then search results; ≤25 choices, names ≤100', async () => {
    const h = await start([['alice', SEED_USERS.alice.id], ['bob', SEED_USERS.bob.id]]);
    // Own entries come from lists already loaded (by /list or /update), never from a load started per keystroke.
    await h.discord.sendCommand({ name: 'list', user: 'alice' }).waitForEdit();
    await h.discord.sendCommand({ name: 'list', user: 'alice', options: [{ name: 'type', value: 'MANGA' }] }).waitForEdit();
    await h.discord.sendCommand({ name: 'list', user: 'bob' }).waitForEdit();

    const own = await autocomplete(h, { user: 'alice', focusedValue: '' });
    // alice's CURRENT/PLANNING anime and manga, and nothing else with no text typed.
    expect(own.map((c) => Number(c.value)).sort()).toEqual(
      ['onePiece', 'apothecary', 'nastyTitle', 'hoshizora', 'berserk', 'yotsuba'].map((k) => SEED_MEDIA[k as keyof typeof SEED_MEDIA].id).sort(),
    );
    expect(own.find((c) => c.value === String(SEED_MEDIA.apothecary.id))?.name).toBe('The Apothecary Diaries · Watching · Ep 10/?');

    const before = h.anilistFake.graphqlRequests().length;
    const short = await autocomplete(h, { user: 'alice', focusedValue: 'fr' });
    expect(short).toEqual([]); // nothing of alice's CURRENT/PLANNING matches, and two letters are not searched
    expect(h.anilistFake.graphqlRequests().length).toBe(before);

    const many = await autocomplete(h, { user: 'bob', focusedValue: 'filler' });
    expect(many.length).toBeGreaterThan(10);
    expect(many.length).toBeLessThanOrEqual(25);
    const bobEntries = h.anilistFake.store.entriesOf(SEED_USERS.bob.id).filter((e) => e.status === 'CURRENT' || e.status === 'PLANNING');
    const ownIds = new Set(bobEntries.map((e) => String(e.mediaId)));
    const firstForeign = many.findIndex((c) => !ownIds.has(c.value));
    expect(firstForeign).toBeGreaterThan(0);
    expect(many.slice(firstForeign).every((c) => !ownIds.has(c.value))).toBe(true);

    const long = await autocomplete(h, { user: 'alice', focusedValue: 'isekai ni tensei' });
    expect(long).toHaveLength(1);
    expect(long[0]!.name.length).toBeLessThanOrEqual(100);
    expect(long[0]!.name).toMatch(/… · anime, TV$/);
    for (const choice of [...own, ...many, ...long]) expect(choice.name.length).toBeLessThanOrEqual(100);
  });

  it('never loads the member’s lists for a keystroke: suggests own entries only from lists already cached', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    const listLoads = () => h.anilistFake.graphqlRequests().filter((r) => r.operationName === 'UserMediaList').length;

    expect(await autocomplete(h, { user: 'alice', focusedValue: '' })).toEqual([]);
    const searched = await autocomplete(h, { user: 'alice', focusedValue: 'apothecary' });
    expect(searched.map((c) => c.name)).toEqual(['The Apothecary Diaries · anime, TV']);
    expect(listLoads()).toBe(0);

    // Once /list has loaded the anime list, its entries are suggested (with status and progress) at no cost.
    await h.discord.sendCommand({ name: 'list', user: 'alice' }).waitForEdit();
    const loads = listLoads();
    const own = await autocomplete(h, { user: 'alice', focusedValue: 'apothecary' });
    expect(own[0]?.name).toBe('The Apothecary Diaries · Watching · Ep 10/?');
    expect(listLoads()).toBe(loads);
  });

  it('offers adult media only in NSFW channels, and answers an unlinked member with search results', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    const safe = await autocomplete(h, { user: 'alice', focusedValue: 'himitsu', channelNsfw: false });
    expect(safe.map((c) => c.value)).toEqual([String(SEED_MEDIA.himitsuGarden.id)]);
    const nsfw = await autocomplete(h, { user: 'alice', focusedValue: 'himitsu', channelNsfw: true });
    expect(nsfw.map((c) => c.value)).toEqual(expect.arrayContaining([String(SEED_MEDIA.adultAnimeA.id), String(SEED_MEDIA.adultManga.id)]));
    const dm = await autocomplete(h, { user: 'alice', focusedValue: 'himitsu', dm: true });
    expect(dm.map((c) => c.value)).toEqual([String(SEED_MEDIA.himitsuGarden.id)]);

    const unlinked = await autocomplete(h, { user: 'dave', focusedValue: 'cowboy' });
    expect(unlinked).toEqual([{ name: 'Cowboy Bebop · anime, TV', value: String(SEED_MEDIA.cowboyBebop.id) }]);
  });

  it('answers with no suggestions instead of failing when AniList fails', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    h.anilistFake.inject({ kind: 'status500' }, { times: Infinity });
    expect(await autocomplete(h, { user: 'alice', focusedValue: 'bebop' })).toEqual([]);
    h.anilistFake.clearFailures();
  });
});

describe('/update', () => {
  it('changes progress, status and score, shows the entry after the update, and refreshes the cached list', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    const listed = h.discord.sendCommand({ name: 'list', user: 'alice' });
    expect(JSON.stringify((await listed.waitForEdit()).message!.embeds)).toContain('Ep 10/?');

    const reply = await updated(sendUpdate(h, 'alice', String(SEED_MEDIA.apothecary.id), [{ name: 'progress', value: 12 }, { name: 'score', value: 9.5 }]));
    const entry = h.anilistFake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.apothecary.id)!;
    expect(entry).toMatchObject({ progress: 12, scoreRaw: 95, status: 'CURRENT' });
    expect((reply.embeds[0] as { title: string }).title).toBe('The Apothecary Diaries');
    expect(fieldsOf(reply)).toEqual({ Status: 'Watching', Progress: 'Ep 12/?', Score: '9.5/10' });

    const status = await updated(sendUpdate(h, 'alice', String(SEED_MEDIA.hoshizora.id), [{ name: 'status', value: 'CURRENT' }]));
    expect(h.anilistFake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.hoshizora.id)?.status).toBe('CURRENT');
    expect(fieldsOf(status)).toMatchObject({ Status: 'Watching', Progress: 'Ep 0/12', Score: '—' });

    // The bot's own write dropped the cached list: /list shows AniList's new state at once.
    const after = h.discord.sendCommand({ name: 'list', user: 'alice' });
    const shown = JSON.stringify((await after.waitForEdit()).message!.embeds);
    expect(shown).toContain('Ep 12/? · 9.5/10');
    expect(shown).toContain('Hoshizora no Kanata');
  });

  it.each<[Member, number, ScoreFormat, number, number, string]>([
    ['alice', SEED_USERS.alice.id, 'POINT_10_DECIMAL', 7.5, 75, '7.5/10'],
    ['bob', SEED_USERS.bob.id, 'POINT_100', 85, 85, '85/100'],
    ['carol', SEED_USERS.carol.id, 'POINT_5', 4, 80, '★★★★☆'],
    ['dave', SEED_USERS.dave.id, 'POINT_3', 2, 60, '😐'],
    ['dave', SEED_USERS.frank.id, 'POINT_10', 8, 80, '8/10'],
  ])('%s (AniList %i, %s) writes %d: stored as raw %d, shown as %s', async (member, anilistId, _format, score, raw, shown) => {
    const h = await start([[member, anilistId]]);
    const reply = await updated(sendUpdate(h, member, String(SEED_MEDIA.mushishi.id), [{ name: 'score', value: score }]));
    expect(h.anilistFake.store.findEntry(anilistId, SEED_MEDIA.mushishi.id)?.scoreRaw).toBe(raw);
    expect(fieldsOf(reply)['Score']).toBe(shown);
  });

  it('refuses invalid input before any AniList request', async () => {
    const h = await start([['alice', SEED_USERS.alice.id], ['carol', SEED_USERS.carol.id], ['dave', SEED_USERS.dave.id], ['bob', SEED_USERS.bob.id]]);
    const cases: [Member, CommandOptionInput[], RegExp][] = [
      ['alice', [], new RegExp(inEnglish(NOTHING_TO_CHANGE).replace(/[`.]/g, '.'))],
      ['alice', [{ name: 'score', value: 8.55 }], /10 point decimal.*one decimal/],
      ['alice', [{ name: 'score', value: 11 }], /10 point decimal/],
      ['bob', [{ name: 'score', value: 85.5 }], /100 point.*whole number/],
      ['carol', [{ name: 'score', value: 6 }], /5 star.*0 to 5/],
      ['dave', [{ name: 'score', value: 4 }], /3 point smiley/],
    ];
    const before = h.anilistFake.graphqlRequests().length;
    for (const [member, options, message] of cases) {
      const answer = await sendUpdate(h, member, String(SEED_MEDIA.frieren.id), options).waitForInitialResponse();
      expect(answer.type).toBe(4);
      expect(answer.data).toMatchObject({ flags: MessageFlags.Ephemeral });
      expect((answer.data as { content: string }).content).toMatch(message);
    }
    h.links.unlink(fakeUsers.dave.id);
    const unlinked = await h.discord.sendCommand({ name: 'update', user: 'dave', options: [{ name: 'media', value: '1' }, { name: 'progress', value: 1 }] }).waitForInitialResponse();
    expect(unlinked.type).toBe(4);
    expect(h.anilistFake.graphqlRequests().length).toBe(before);
  });

  it('follows a member who changed score format on AniList after linking', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    // Alice linked with POINT_10_DECIMAL, then switched to POINT_100 on AniList.
    h.anilistFake.store.getUser(SEED_USERS.alice.id)!.mediaListOptions.scoreFormat = 'POINT_100';
    const stale = await sendUpdate(h, 'alice', String(SEED_MEDIA.frieren.id), [{ name: 'score', value: 85 }]).waitForInitialResponse();
    expect((stale.data as { content: string }).content).toMatch(/10 point decimal[\s\S]*Run `\/list` or `\/profile` once/);

    // Any answer from AniList that names the format refreshes the stored copy.
    await h.discord.sendCommand({ name: 'list', user: 'alice' }).waitForEdit();
    expect(h.links.member(fakeUsers.alice.id)?.scoreFormat).toBe('POINT_100');
    const message = await updated(sendUpdate(h, 'alice', String(SEED_MEDIA.frieren.id), [{ name: 'score', value: 85 }]));
    expect(fieldsOf(message).Score).toBe('85/100');
    expect(h.anilistFake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.frieren.id)?.scoreRaw).toBe(85);
  });

  it('says so when the score format changed on AniList since it was last seen, instead of silently mis-saving', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    // Alice linked with POINT_10_DECIMAL, then switched to POINT_100 on AniList. 8 is valid in both formats.
    h.anilistFake.store.getUser(SEED_USERS.alice.id)!.mediaListOptions.scoreFormat = 'POINT_100';
    const message = await updated(sendUpdate(h, 'alice', String(SEED_MEDIA.frieren.id), [{ name: 'score', value: 8 }]));
    expect(fieldsOf(message).Score).toBe('8/100');
    expect(message.content).toBe(
      '⚠️ Your AniList score format is now 100 point, not 10 point decimal: AniList read your 8 as 8/100. Run `/update` again with the score you meant, in the 100 point format.',
    );
    expect(h.links.member(fakeUsers.alice.id)?.scoreFormat).toBe('POINT_100');

    // With the format known again, the next score goes through without a warning.
    const again = await updated(sendUpdate(h, 'alice', String(SEED_MEDIA.frieren.id), [{ name: 'score', value: 80 }]));
    expect(again.content ?? '').toBe('');
    expect(fieldsOf(again).Score).toBe('80/100');
    // Updates without a score never warn about the format.
    h.anilistFake.store.getUser(SEED_USERS.alice.id)!.mediaListOptions.scoreFormat = 'POINT_5';
    const progressOnly = await updated(sendUpdate(h, 'alice', String(SEED_MEDIA.apothecary.id), [{ name: 'progress', value: 11 }]));
    expect(progressOnly.content ?? '').toBe('');
  });

  it('answers privately for a private entry: the public placeholder is removed, nothing is posted in the channel', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    const entry = h.anilistFake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.apothecary.id)!;
    entry.private = true;
    const handle = sendUpdate(h, 'alice', String(SEED_MEDIA.apothecary.id), [{ name: 'progress', value: 11 }]);
    expect((await handle.waitForInitialResponse()).type).toBe(5);
    const answer = await handle.waitForFollowUp();
    expect(entry.progress).toBe(11);
    expect(answer.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(JSON.stringify(answer.embeds)).toContain('The Apothecary Diaries');
    expect(fieldsOf(answer)).toMatchObject({ Progress: 'Ep 11/?' });
    expect(JSON.stringify(answer.embeds)).not.toContain('updated their list');
    expect(handle.currentMessage()).toBeNull();

    // A public entry is still announced publicly.
    const pub = await updated(sendUpdate(h, 'alice', String(SEED_MEDIA.hoshizora.id), [{ name: 'progress', value: 1 }]));
    expect(pub.flags & MessageFlags.Ephemeral).toBeFalsy();
    expect(JSON.stringify(pub.embeds)).toContain('updated their list');
  });

  it('a private entry the cached list already shows is answered privately from the start, with no public placeholder', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    const entry = h.anilistFake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.apothecary.id)!;
    entry.private = true;
    // /list loads (and caches) Alice's list with her token, private flags included.
    await h.discord.sendCommand({ name: 'list', user: 'alice' }).waitForEdit();
    const handle = sendUpdate(h, 'alice', String(SEED_MEDIA.apothecary.id), [{ name: 'progress', value: 12 }]);
    const initial = await handle.waitForInitialResponse();
    expect(initial.type).toBe(5);
    expect((initial.data as { flags?: number } | undefined)?.flags ?? 0).toBe(MessageFlags.Ephemeral);
    const answer = await handle.waitForEdit();
    expect(fieldsOf(answer.message!)).toMatchObject({ Progress: 'Ep 12/?' });
    expect(handle.followUps).toHaveLength(0);
    expect(entry.progress).toBe(12);
  });

  it('refuses progress above the known total without writing', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    const handle = sendUpdate(h, 'alice', String(SEED_MEDIA.frieren.id), [{ name: 'progress', value: 29 }]);
    const refusal = await handle.waitForFollowUp();
    expect(refusal.content).toContain("has 28 episodes, so progress can be at most 28");
    expect(refusal.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(h.anilistFake.graphqlRequests().some((r) => r.operationName === 'SaveMediaListEntry')).toBe(false);
    expect(h.anilistFake.store.findEntry(SEED_USERS.alice.id, SEED_MEDIA.frieren.id)?.progress).toBe(28);
  });

  it('resolves free text: own title first, unique search hit, otherwise asks to pick', async () => {
    const h = await start([['carol', SEED_USERS.carol.id], ['dave', SEED_USERS.dave.id]]);
    // Carol watches the Frieren anime, so her "Sousou no Frieren" is that one, not the manga of the same name.
    await updated(sendUpdate(h, 'carol', 'Sousou no Frieren', [{ name: 'progress', value: 13 }]));
    expect(h.anilistFake.store.findEntry(SEED_USERS.carol.id, SEED_MEDIA.frieren.id)?.progress).toBe(13);

    await updated(sendUpdate(h, 'dave', 'cowboy bebop', [{ name: 'status', value: 'PLANNING' }]));
    expect(h.anilistFake.store.findEntry(SEED_USERS.dave.id, SEED_MEDIA.cowboyBebop.id)?.status).toBe('PLANNING');

    const ambiguous = sendUpdate(h, 'dave', 'Sousou no Frieren', [{ name: 'progress', value: 1 }]);
    const question = await ambiguous.waitForFollowUp();
    expect(question.content).toContain('matches several titles');
    expect(question.content).toContain("Frieren · anime, TV");
    expect(question.content).toContain("Frieren · manga");
    expect(h.anilistFake.store.findEntry(SEED_USERS.dave.id, SEED_MEDIA.frieren.id)).toBeUndefined();

    const none = sendUpdate(h, 'dave', 'no such title anywhere', [{ name: 'progress', value: 1 }]);
    expect((await none.waitForFollowUp()).content).toContain('No anime or manga on AniList matches');
  });

  it('refuses adult media outside NSFW channels and accepts it in one', async () => {
    const h = await start([['bob', SEED_USERS.bob.id]]);
    const safe = sendUpdate(h, 'bob', String(SEED_MEDIA.adultAnimeA.id), [{ name: 'progress', value: 1 }], { channelNsfw: false });
    expect((await safe.waitForFollowUp()).content).toContain('18+');
    const nsfw = await updated(sendUpdate(h, 'bob', String(SEED_MEDIA.adultAnimeA.id), [{ name: 'progress', value: 1 }], { channelNsfw: true }));
    expect(fieldsOf(nsfw)['Progress']).toBe('Ep 1/2');
  });

  it('an expired token says to run /link and marks the link', async () => {
    const h = await start([['alice', SEED_USERS.alice.id]]);
    h.anilistFake.revokeAllTokens(SEED_USERS.alice.id);
    const handle = sendUpdate(h, 'alice', String(SEED_MEDIA.apothecary.id), [{ name: 'progress', value: 11 }]);
    expect((await handle.waitForFollowUp()).content).toContain('/link');
    expect(h.links.member(fakeUsers.alice.id)?.state).toBe('rejected');
  });
});
