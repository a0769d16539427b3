/**
 * /compare and /random through the real discord.js client against the fakes. Seed users GinaTaste (POINT_10, read
 * by alice) and HankTaste (POINT_5, read by bob) both scored 12 anime; their Planning lists overlap; hank has a
 * private COMPLETED entry and gina a private Planning one (fakes/anilist/seed.ts). carol is linked to CarolFake,
 * member 1 to the private profile ErinPrivate, member 2 to FrankEmpty (empty lists); dave is not linked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_YOUR_PICK, ONLY_TITLE, PICK_EXPIRED } from '../../commands/random.js';
import { FILLER_MEDIA_FIRST_ID, SEED_MEDIA, SEED_USERS, type LoggedRequest } from '../../fakes/anilist/index.js';
import { fakeUsers, type DiscordMessage, type FakeUser, type InteractionHandle } from '../../fakes/discord/index.js';
import { inEnglish } from '../../src/i18n/index.js';
import { RUN_LINK_FIRST } from '../../src/linking/index.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { discordMembers, linkAndUseServer } from '../support/server-members.js';
import { button, buttonsOf, type Embed, refusal } from '../support/messages.js';

const [erinsMember, franksMember, stranger] = discordMembers(3) as [FakeUser, FakeUser, FakeUser];
const filler = (n: number) => FILLER_MEDIA_FIRST_ID + n - 1;
const GINA = SEED_USERS.gina.id;
const HANK = SEED_USERS.hank.id;

let h: BotHarness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anilink-taste-'));
  h = await startBotHarness({
    dir,
    discord: { extraUsers: [erinsMember, franksMember, stranger] },
    anilistFake: { rateLimitPerMinute: 100_000 },
    limiter: { perMinute: 100_000, burst: 100_000 },
  });
  await linkAndUseServer(h, [
    ['alice', GINA],
    ['bob', HANK],
    ['carol', SEED_USERS.carol.id],
    [erinsMember, SEED_USERS.erin.id],
    [franksMember, SEED_USERS.frank.id],
  ]);
}, 120_000);

afterAll(async () => {
  expect(h?.discord.schemaViolations ?? []).toEqual([]);
  expect((h?.discord.unknownRoutes ?? []).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Who = FakeUser | keyof typeof fakeUsers;
type Option = { name: string; value: string | number };

async function aniListRequestsDuring(run: () => Promise<unknown>): Promise<LoggedRequest[]> {
  const before = h.anilistFake.graphqlRequests().length;
  await run();
  return h.anilistFake.graphqlRequests().slice(before);
}
const operations = (requests: readonly LoggedRequest[]) => requests.map((r) => r.operationName);
const variablesOf = (request: LoggedRequest) => (request.body as { variables: Record<string, unknown> }).variables;
const idOf = (who: Who) => (typeof who === 'string' ? fakeUsers[who].id : who.id);

/** A public answer: deferred, then the message. */
async function answer(handle: InteractionHandle): Promise<DiscordMessage> {
  const initial = await handle.waitForInitialResponse();
  expect(initial.latencyMs).toBeLessThan(3000);
  expect(initial.type).toBe(5);
  expect((initial.data as { flags?: number } | undefined)?.flags ?? 0).toBe(0);
  return (await handle.waitForEdit()).message!;
}


const compare = (user: Who, other: Who, extra: { channelNsfw?: boolean; options?: Option[] } = {}) =>
  h.discord.sendCommand({ name: 'compare', user, options: [{ name: 'user', value: idOf(other) }, ...(extra.options ?? [])], ...(extra.channelNsfw ? { channelNsfw: true } : {}) });
const random = (user: Who, options: Option[] = [], extra: { channelNsfw?: boolean } = {}) => h.discord.sendCommand({ name: 'random', user, options, ...extra });

const embedOf = (message: DiscordMessage) => (message.embeds as Embed[])[0]!;
const field = (message: DiscordMessage, name: string) => embedOf(message).fields?.find((f) => f.name === name)?.value;
/** The title a /random card shows, from its "Start watching" button. */
const pickedId = (message: DiscordMessage) => Number(buttonsOf(message).find((b) => b.custom_id?.startsWith('random:start:'))!.custom_id!.split(':')[3]);

/** Presses Reroll and returns the updated card. */
async function reroll(handle: InteractionHandle, user: Who): Promise<DiscordMessage> {
  const press = h.discord.sendButton({ customId: button(handle.currentMessage()!, 'Reroll'), user, from: handle });
  const response = await press.waitForInitialResponse();
  expect(response.type).toBe(7); // the message itself, updated: no "thinking…", no follow-up
  return handle.currentMessage()!;
}

describe('/compare, then /random with the same member and five rerolls', () => {
  it('costs 3 AniList requests in all: the two lists once, and the first card', async () => {
    let comparison!: DiscordMessage;
    const compareRequests = await aniListRequestsDuring(async () => {
      comparison = await answer(compare('alice', 'bob'));
    });
    expect(operations(compareRequests)).toEqual(['UserMediaList', 'UserMediaList']);
    // The caller's own list with her token; the other member's as a logged-out visitor sees it.
    const byUser = new Map(compareRequests.map((r) => [variablesOf(r).userId, r]));
    expect(byUser.get(GINA)?.viewerId).toBe(GINA);
    expect(byUser.get(HANK)?.headers.authorization).toBeUndefined();
    expect(embedOf(comparison).description).toContain('Affinity **42%** over 12 titles both scored');

    let card!: DiscordMessage;
    let handle!: InteractionHandle;
    const randomRequests = await aniListRequestsDuring(async () => {
      handle = random('alice', [{ name: 'with', value: fakeUsers.bob.id }]);
      card = await answer(handle);
    });
    expect(operations(randomRequests)).toEqual(['MediaCard']);

    const shown = [pickedId(card)];
    const rerollRequests = await aniListRequestsDuring(async () => {
      for (let i = 0; i < 5; i++) shown.push(pickedId(await reroll(handle, i % 2 === 0 ? 'alice' : 'bob')));
    });
    expect(rerollRequests).toEqual([]);
    expect(compareRequests.length + randomRequests.length + rerollRequests.length).toBe(3);
    // Both Planning lists share three titles the channel may show: every one comes before any comes again.
    const shared = [SEED_MEDIA.onaSeries.id, filler(5), SEED_MEDIA.apothecary.id].sort();
    expect([...new Set(shown.slice(0, 3))].sort()).toEqual(shared);
    expect(shown.slice(3)).toEqual(shown.slice(0, 3));
  });
});

describe('/compare', () => {
  let comparison: DiscordMessage;

  beforeAll(async () => {
    comparison = await answer(compare('alice', 'bob'));
  });

  it('shows the affinity, shared titles and the mean difference from both score formats', () => {
    const embed = embedOf(comparison);
    expect(embed.title).toBe('GinaTaste × HankTaste · anime taste');
    // Worked out by hand on the 12 titles both scored (gina /10, hank ★/5):
    //   gina 10 9 8 9 7 8 6 9 5 4 3 6   (Σ 84, mean 7)      gina − 7: 3 2 1 2 0 1 −1 2 −2 −3 −4 −1   Σ² = 54
    //   hank  5 4 5 5 3 4 4 2 3 2 4 3   (Σ 44, mean 11/3)   3·hank − 11: 4 1 4 4 −2 1 1 −5 −2 −5 1 −2   Σ² = 114
    //   Σ (gina − 7)(3·hank − 11) = 12+2+4+8+0+1−1−10+4+15−4+2 = 33
    //   r = (33/3) / √(54 × 114/9) = 11 / √684 = 0.4206 → 42 %
    expect(embed.description).toBe(`<@${fakeUsers.alice.id}> and <@${fakeUsers.bob.id}>\nAffinity **42%** over 12 titles both scored`);
    // The 12, plus five on both lists without two scores (Planning on one side or both); never the 18+ titles
    // outside an NSFW channel, gina's private Planning entry or hank's private COMPLETED one.
    expect(field(comparison, 'Shared titles')).toBe('17 on both lists');
    // |gina − hank| on 0–100: 0 10 20 10 10 0 20 50 10 0 50 0 → 180 / 12 = 15
    expect(field(comparison, 'Mean score difference')).toBe('15 points out of 100');
  });

  it('names the titles they agree and disagree on most, each score in its owner’s format', () => {
    const agree = field(comparison, 'Agree most on')!.split('\n');
    expect(agree).toEqual([
      `[**Frieren: Beyond Journey's End**](https://anilist.co/anime/${SEED_MEDIA.frieren.id}) · GinaTaste 10/10 · HankTaste ★★★★★`,
      `[**Spirited Away**](https://anilist.co/anime/${SEED_MEDIA.spiritedAway.id}) · GinaTaste 8/10 · HankTaste ★★★★☆`,
      `[**Chiisana Tabi**](https://anilist.co/anime/${SEED_MEDIA.ovaShort.id}) · GinaTaste 6/10 · HankTaste ★★★☆☆`,
    ]);
    const disagree = field(comparison, 'Disagree most on')!.split('\n');
    expect(disagree).toEqual([
      `[**BOCCHI THE ROCK!**](https://anilist.co/anime/${SEED_MEDIA.bocchi.id}) · GinaTaste 9/10 · HankTaste ★★☆☆☆`,
      `[**Kagebousha Monogatari**](https://anilist.co/anime/${SEED_MEDIA.kagebousha.id}) · GinaTaste 3/10 · HankTaste ★★★★☆`,
      `[**Your Name.**](https://anilist.co/anime/${SEED_MEDIA.yourName.id}) · GinaTaste 8/10 · HankTaste ★★★★★`,
    ]);
  });

  it('suggests each member the other’s favourites they plan to see or do not have, never from a private entry', () => {
    const forGina = field(comparison, "For GinaTaste, from HankTaste's favourites")!.split('\n');
    expect(forGina).toHaveLength(2);
    expect(forGina[0]).toContain(`(https://anilist.co/anime/${SEED_MEDIA.nastyTitle.id}) · ★★★★★ · on GinaTaste's Planning list`);
    expect(forGina[0]).toContain('\\<img src=x onerror=alert\\(1\\)\\> \\*Nasty\\* \\~\\~Title\\~\\~'); // the title's markup is escaped
    expect(forGina[1]).toBe(`[**Filler Work 3**](https://anilist.co/anime/${filler(3)}) · ★★★★☆`);

    const forHank = field(comparison, "For HankTaste, from GinaTaste's favourites")!.split('\n');
    expect(forHank).toHaveLength(4);
    // gina's 10/10s (fillers 2 and 7, which hank's list as anyone sees it does not have), longTitle (on hank's
    // Planning list) at 9/10, filler 1 at 8/10. hank's private 1★ entry for filler 7 is not his to show.
    expect(forHank.slice(0, 2).map((line) => line.match(/anime\/(\d+)\)/)![1]).sort()).toEqual([String(filler(2)), String(filler(7))]);
    expect(forHank[2]).toContain(`(https://anilist.co/anime/${SEED_MEDIA.longTitle.id}) · 9/10 · on HankTaste's Planning list`);
    expect(forHank[3]).toBe(`[**Filler Work 1**](https://anilist.co/anime/${filler(1)}) · 8/10`);
    expect(JSON.stringify(comparison.embeds)).not.toMatch(/Otona no Jikan|Secrets of the Night|HankTaste ★☆☆☆☆/);
  });

  it('leaves the caller’s own private entries out of a public answer: the same numbers from hank’s side', async () => {
    let fromHank!: DiscordMessage;
    const requests = await aniListRequestsDuring(async () => {
      fromHank = await answer(compare('bob', 'alice'));
    });
    // hank's own list with his token (it has his private entry), gina's without a token (it lacks hers).
    const byUser = new Map(requests.map((r) => [variablesOf(r).userId, r]));
    expect(byUser.get(HANK)?.viewerId).toBe(HANK);
    expect(byUser.get(GINA)?.headers.authorization).toBeUndefined();
    expect(embedOf(fromHank).description).toContain('Affinity **42%** over 12 titles both scored');
    expect(field(fromHank, 'Shared titles')).toBe('17 on both lists');
    expect(JSON.stringify(fromHank.embeds)).not.toContain('★☆☆☆☆');
    // gina's private Planning entry is not "on her Planning list" for hank either.
    expect(JSON.stringify(fromHank.embeds)).not.toContain(`anime/${filler(8)})`);
  });

  it('counts adult titles only in an NSFW channel', async () => {
    const nsfw = await answer(compare('alice', 'bob', { channelNsfw: true }));
    expect(embedOf(nsfw).description).toContain('over 13 titles both scored');
    expect(field(nsfw, 'Disagree most on')!.split('\n')[0]).toBe(`[**Otona no Jikan**](https://anilist.co/anime/${SEED_MEDIA.adultAnimeB.id}) · GinaTaste 10/10 · HankTaste ★☆☆☆☆`);
  });

  it('says “not enough shared scores” below ten titles both scored', async () => {
    const few = await answer(compare('alice', 'carol'));
    // Frieren, Madoka and Bocchi; Spirited Away is on both lists but carol only plans to watch it.
    expect(embedOf(few).description).toContain('Affinity: not enough shared scores (3 titles both scored; 10 needed)');
    expect(field(few, 'Shared titles')).toBe('4 on both lists');
  });

  it('answers clearly, and privately, whoever is not linked, a private profile, and a comparison with oneself', async () => {
    expect(await refusal(compare('alice', 'dave'))).toBe('**dave99** has not linked an AniList account, so there is nothing to compare. They can run `/link` to connect one.');
    expect(await refusal(compare('dave', 'alice'))).toBe(inEnglish(RUN_LINK_FIRST));
    expect(await refusal(compare('dave', stranger))).toBe('Neither you nor **Member 3** have linked an AniList account yet. Run `/link` to connect yours; they can do the same.');
    expect(await refusal(compare('alice', erinsMember))).toBe("**Member 1**'s AniList profile is private, so their taste cannot be compared.");
    expect(await refusal(compare('alice', 'alice'))).toContain('Pick another member');
  });
});

describe('/random', () => {
  it('picks from the caller’s own Planning list: released titles only, never a private or (here) an adult one', async () => {
    const handle = random('alice');
    const card = await answer(handle);
    expect(card.content).toBe(`🎲 <@${fakeUsers.alice.id}>'s pick from their anime Planning list: 1 of 5 titles`);
    expect(buttonsOf(card).map((b) => b.label)).toEqual(['Start watching', 'Reroll', 'AniList']);
    // The first card is the /anime card, "In this server" included.
    expect((card.embeds as Embed[]).map((e) => e.title)).toContain('In this server');
    const shown = [pickedId(card)];
    for (let i = 0; i < 4; i++) shown.push(pickedId(await reroll(handle, 'alice')));
    expect(shown.sort()).toEqual([SEED_MEDIA.nastyTitle.id, SEED_MEDIA.onaSeries.id, filler(4), filler(5), SEED_MEDIA.apothecary.id].sort());
  });

  it('draws a reroll from its list entry, and shows "In this server" on a reroll only while that view is cached', async () => {
    // Every server view cached so far is now too old to be shown: the first card fetches its own again.
    h.clock.advance(4 * 60_000);
    const handle = random('alice');
    let first!: DiscordMessage;
    const firstRequests = await aniListRequestsDuring(async () => {
      first = await answer(handle);
    });
    expect(operations(firstRequests)).toEqual(['MediaCard']);
    expect((first.embeds as Embed[]).map((e) => e.title)).toContain('In this server');

    let next!: DiscordMessage;
    const rerollRequests = await aniListRequestsDuring(async () => {
      next = await reroll(handle, 'alice');
    });
    expect(rerollRequests).toEqual([]);
    const embeds = next.embeds as Embed[];
    expect(embeds).toHaveLength(1);
    const fields = Object.fromEntries((embeds[0]!.fields ?? []).map((f) => [f.name, f.value]));
    expect(Object.keys(fields)).toEqual(['Format', 'Episodes', 'Status', 'Season', 'Average score', 'Genres']);
    expect(fields.Genres).not.toBe('—');
    expect(embeds[0]!.footer?.text).toBe('Rerolls skip “In this server” to ask AniList nothing; /anime shows it.');

    // Round the pool back to the first title: its view is cached now, so the reroll shows the whole card.
    let back = next;
    for (let i = 0; i < 4; i++) back = await reroll(handle, 'alice');
    expect(pickedId(back)).toBe(pickedId(first));
    expect(back.embeds).toEqual(first.embeds);
  });

  it('shows adult titles only in an NSFW channel', async () => {
    const handle = random('alice', [], { channelNsfw: true });
    const card = await answer(handle);
    expect(card.content).toContain('1 of 6 titles');
    const shown = [pickedId(card)];
    for (let i = 0; i < 5; i++) shown.push(pickedId(await reroll(handle, 'alice')));
    expect(shown).toContain(SEED_MEDIA.adultAnimeA.id);
  });

  it('filters by genre (AniList’s names, any case; one GenreCollection request) and by length', async () => {
    const keystroke = h.discord.sendAutocomplete({ name: 'random', user: 'alice', focused: 'genre', focusedValue: 'dr' });
    await keystroke.waitForInitialResponse();
    expect((keystroke.choices() as { name: string }[]).map((c) => c.name)).toEqual(['Drama']);
    const all = h.discord.sendAutocomplete({ name: 'random', user: 'alice', focused: 'genre', focusedValue: '' });
    await all.waitForInitialResponse();
    expect((all.choices() as { name: string }[]).map((c) => c.name)).not.toContain('Hentai');
    const nsfw = h.discord.sendAutocomplete({ name: 'random', user: 'alice', focused: 'genre', focusedValue: 'hen', channelNsfw: true });
    await nsfw.waitForInitialResponse();
    expect((nsfw.choices() as { name: string }[]).map((c) => c.name)).toEqual(['Hentai']);

    const handle = random('alice', [{ name: 'genre', value: 'drama' }]);
    const card = await answer(handle);
    expect(card.content).toContain('1 of 1 title (Drama)');
    expect(pickedId(card)).toBe(SEED_MEDIA.apothecary.id);
    const only = h.discord.sendButton({ customId: button(card, 'Reroll'), user: 'alice', from: handle });
    expect((await only.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(ONLY_TITLE), flags: MessageFlags.Ephemeral });
    expect(h.anilistFake.graphqlRequests().filter((r) => r.operationName === 'GenreCollection')).toHaveLength(1);

    const short = random('alice', [{ name: 'max_episodes', value: 12 }]);
    const shortCard = await answer(short);
    expect(shortCard.content).toContain('1 of 2 titles (≤ 12 episodes)');
    expect([SEED_MEDIA.onaSeries.id, filler(4)]).toContain(pickedId(shortCard));

    expect(await refusal(random('alice', [{ name: 'genre', value: 'Drama' }, { name: 'max_episodes', value: 5 }]))).toBe(
      'No title on your anime Planning list matches: already airing or aired, not 18+ (this channel is not marked NSFW), genre “Drama” and at most 5 episodes (a known number).',
    );
    expect(await refusal(random('alice', [{ name: 'genre', value: 'Cooking' }]))).toMatch(/^“Cooking” is not an AniList genre\. Pick one from the suggestions, e\.g\. /);
  });

  it('with a group, falls back to the titles on most of their lists when none is on all, and says so', async () => {
    const card = await answer(random('alice', [{ name: 'with', value: fakeUsers.bob.id }, { name: 'with2', value: fakeUsers.carol.id }]));
    const [headline, planners] = card.content.split('\n');
    expect(headline).toBe(`🎲 For <@${fakeUsers.alice.id}>, <@${fakeUsers.bob.id}> and <@${fakeUsers.carol.id}>: no title is on all 3 Planning lists, so this is 1 of the 3 titles on 2 of them`);
    expect(planners).toBe(`On the Planning lists of <@${fakeUsers.alice.id}> and <@${fakeUsers.bob.id}>`);
    expect([SEED_MEDIA.onaSeries.id, filler(5), SEED_MEDIA.apothecary.id]).toContain(pickedId(card));
  });

  it('answers clearly for an empty Planning list, an unlinked member, a private list, and no title in common', async () => {
    expect(await refusal(random(franksMember))).toBe('Your anime Planning list is empty, so there is nothing to pick from.');
    expect(await refusal(random('alice', [{ name: 'with', value: franksMember.id }]))).toBe("**Member 2**'s anime Planning list is empty, so there is nothing to pick from.");
    expect(await refusal(random('alice', [{ name: 'with', value: fakeUsers.dave.id }]))).toBe('**dave99** has not linked an AniList account, so I cannot see their Planning list. They can run `/link` to connect one.');
    expect(await refusal(random('alice', [{ name: 'with', value: erinsMember.id }]))).toBe("**Member 1**'s AniList profile is private, so I cannot see their Planning list.");
    expect(await refusal(random('alice', [{ name: 'with', value: fakeUsers.carol.id }]))).toBe('No anime is on both Planning lists of you and **Carol ✨**, so there is nothing to pick together.');
    expect(await refusal(random('dave'))).toBe(inEnglish(RUN_LINK_FIRST));
  });
});

describe('/random’s buttons', () => {
  it('“Start watching” sets the caller’s entry to Watching with her token; a reroll then skips that title', async () => {
    const handle = random('alice', [{ name: 'with', value: fakeUsers.bob.id }]);
    const card = await answer(handle);
    const mediaId = pickedId(card);
    expect(h.anilistFake.store.findEntry(GINA, mediaId)?.status).toBe('PLANNING');
    let press!: InteractionHandle;
    const requests = await aniListRequestsDuring(async () => {
      press = h.discord.sendButton({ customId: button(card, 'Start watching'), user: 'alice', from: handle });
      expect((await press.waitForInitialResponse()).type).toBe(6);
      const told = await press.waitForFollowUp();
      expect(told.flags & MessageFlags.Ephemeral).toBeTruthy();
      expect(told.content).toMatch(/^✅ \*\*.+\*\* on your list: Watching, 0\//);
    });
    expect(operations(requests)).toEqual(['OwnMediaListEntry', 'SaveMediaListEntry']);
    expect(requests.every((r) => r.viewerId === GINA)).toBe(true);
    expect(h.anilistFake.store.findEntry(GINA, mediaId)?.status).toBe('CURRENT');
    expect(h.anilistFake.store.findEntry(HANK, mediaId)?.status).toBe('PLANNING');

    // The other member of the group presses the same button: his own list changes, with his token.
    const hanks = await aniListRequestsDuring(async () => {
      const byHank = h.discord.sendButton({ customId: button(card, 'Start watching'), user: 'bob', from: handle });
      expect((await byHank.waitForFollowUp()).content).toMatch(/on your list: Watching, 0\//);
    });
    expect(hanks.every((r) => r.viewerId === HANK)).toBe(true);
    expect(h.anilistFake.store.findEntry(HANK, mediaId)?.status).toBe('CURRENT');

    // Pressing again changes nothing and says so.
    const again = h.discord.sendButton({ customId: button(card, 'Start watching'), user: 'alice', from: handle });
    expect((await again.waitForFollowUp()).content).toContain('is already on your list (Watching');

    // The caller started it, so rerolls no longer bring it up.
    const seen = new Set<number>();
    for (let i = 0; i < 4; i++) seen.add(pickedId(await reroll(handle, 'alice')));
    expect(seen.has(mediaId)).toBe(false);
  });

  it('belong to the members the pick was made for', async () => {
    const handle = random('alice', [{ name: 'with', value: fakeUsers.bob.id }]);
    const card = await answer(handle);
    for (const label of ['Reroll', 'Start watching']) {
      const stranger = h.discord.sendButton({ customId: button(card, label), user: 'carol', from: handle });
      expect((await stranger.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(NOT_YOUR_PICK), flags: MessageFlags.Ephemeral });
    }
    expect(pickedId(handle.currentMessage()!)).toBe(pickedId(card));
  });

  it('stop working an hour later, and say so', async () => {
    const handle = random('alice');
    const card = await answer(handle);
    h.clock.advance(61 * 60_000);
    const late = h.discord.sendButton({ customId: button(card, 'Reroll'), user: 'alice', from: handle });
    expect((await late.waitForInitialResponse()).data).toMatchObject({ content: inEnglish(PICK_EXPIRED), flags: MessageFlags.Ephemeral });
  });
});
