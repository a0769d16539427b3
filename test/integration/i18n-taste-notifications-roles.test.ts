/**
 * /compare, /random, /notifications and linked roles for members whose Discord (or browser) is not in English, end
 * to end against the real bot: embeds, buttons, refusals, a pick that keeps its language when another member of the
 * group presses its buttons, the verification page by Accept-Language, the metadata registered in every language,
 * the stale-connection DM in the language the member linked in. Texts are compared with what a native reader expects,
 * so a fallback to English fails here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, type DiscordMessage, type FakeUser, type FakeUserRef, type InteractionHandle } from '../../fakes/discord/index.js';
import { CATALOGUES, createTranslations } from '../../src/i18n/index.js';
import { METADATA_KEYS, METADATA_TEXT } from '../../src/roles/index.js';
import { TestBrowser } from '../support/browser.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { walkLinkPages } from '../support/link-walk.js';
import { discordMembers, linkAndUseServer } from '../support/server-members.js';
import { button, buttonsOf, type Embed, refusal } from '../support/messages.js';

const [erinsMember, franksMember, stranger, yuki] = discordMembers(4) as [FakeUser, FakeUser, FakeUser, FakeUser];
const GINA = SEED_USERS.gina.id;
const HANK = SEED_USERS.hank.id;
/** Intl's space before a percent sign in German and French. */
const NBSP = '\u00a0';

let h: BotHarness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anilink-i18n-taste-'));
  h = await startBotHarness({
    dir,
    discord: { extraUsers: [erinsMember, franksMember, stranger, yuki] },
    anilistFake: { rateLimitPerMinute: 100_000 },
    limiter: { perMinute: 100_000, burst: 100_000 },
    linkedRoles: { pushDebounceMs: 50 },
  });
  await linkAndUseServer(h, [
    ['alice', GINA],
    ['bob', HANK],
    [erinsMember, SEED_USERS.erin.id],
    [franksMember, SEED_USERS.frank.id],
  ]);
}, 120_000);

afterAll(async () => {
  expect(h?.discord.schemaViolations ?? []).toEqual([]);
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});


const idOf = (who: FakeUserRef) => (typeof who === 'string' ? fakeUsers[who].id : who.id);
const embedOf = (message: DiscordMessage) => (message.embeds as Embed[])[0]!;

async function answer(handle: InteractionHandle): Promise<DiscordMessage> {
  expect((await handle.waitForInitialResponse()).type).toBe(5);
  return (await handle.waitForEdit()).message!;
}


describe('/compare in German', () => {
  it('the affinity embed, its fields and footer, and the refusals', async () => {
    const handle = h.discord.sendCommand({ name: 'compare', user: 'alice', locale: 'de', options: [{ name: 'user', value: idOf('bob') }] });
    const comparison = await answer(handle);
    const embed = embedOf(comparison);
    expect(embed.title).toBe('GinaTaste × HankTaste · Anime-Geschmack');
    expect(embed.description).toBe(`<@${fakeUsers.alice.id}> und <@${fakeUsers.bob.id}>\nÜbereinstimmung **42${NBSP}%** über 12 Titel, die beide bewertet haben`);
    expect(embed.fields!.map((field) => field.name)).toEqual([
      'Gemeinsame Titel',
      'Mittlerer Notenunterschied',
      'Am einigsten bei',
      'Am uneinigsten bei',
      'Für GinaTaste, aus den Favoriten von HankTaste',
      'Für HankTaste, aus den Favoriten von GinaTaste',
    ]);
    expect(embed.fields![0]!.value).toBe('17 auf beiden Listen');
    expect(embed.fields![1]!.value).toBe('15 von 100 Punkten');
    expect(embed.fields![4]!.value).toContain(' · auf der Planning-Liste von GinaTaste');
    expect(embed.footer!.text).toBe('Noten verglichen auf 0–100, umgerechnet aus dem Format jedes Mitglieds.');

    const self = h.discord.sendCommand({ name: 'compare', user: 'alice', locale: 'de', options: [{ name: 'user', value: idOf('alice') }] });
    expect(await refusal(self)).toBe(CATALOGUES.de['compare.self']);
    expect(CATALOGUES.de['compare.self']).toContain('`/vergleichen mitglied:`');
    const privateOne = h.discord.sendCommand({ name: 'compare', user: 'alice', locale: 'de', options: [{ name: 'user', value: erinsMember.id }] });
    expect(await refusal(privateOne)).toBe('Das AniList-Profil von **Member 1** ist privat, der Geschmack kann also nicht verglichen werden.');
    const neither = h.discord.sendCommand({ name: 'compare', user: 'dave', locale: 'fr', options: [{ name: 'user', value: stranger.id }] });
    expect(await refusal(neither)).toBe('Ni vous ni **Member 3** n’avez encore lié de compte AniList. Lancez `/lier` pour connecter le vôtre ; l’autre personne peut faire de même.');
  });
});

describe('/random in Japanese, with a member who reads French', () => {
  it('the pick keeps the caller’s language when the other member rerolls; each presser’s own answer is in their language', async () => {
    const handle = h.discord.sendCommand({ name: 'random', user: 'alice', locale: 'ja', options: [{ name: 'with', value: idOf('bob') }] });
    const card = await answer(handle);
    expect(card.content.split('\n')[0]).toMatch(new RegExp(`^🎲 <@${fakeUsers.alice.id}>、<@${fakeUsers.bob.id}> へ: 両方の Planning リストにある \\d+ 作品中 1 作品$`));
    expect(buttonsOf(card).map((b) => b.label)).toEqual(['観始める', '引き直す', 'AniList']);
    expect(embedOf(card).fields!.map((field) => field.name)).toContain('ジャンル');

    // Bob, whose Discord is in French, rerolls: the public message stays Japanese.
    const press = h.discord.sendButton({ customId: button(card, '引き直す'), user: 'bob', locale: 'fr', from: handle });
    expect((await press.waitForInitialResponse()).type).toBe(7);
    const rerolled = handle.currentMessage()!;
    expect(buttonsOf(rerolled).map((b) => b.label)).toEqual(['観始める', '引き直す', 'AniList']);
    expect(rerolled.content.startsWith('🎲 ')).toBe(true);
    expect(rerolled.content).toContain('作品中 1 作品');
    // A reroll draws another title from its list entry (no server view of it is cached): the footer says why "In
    // this server" is missing, in Japanese.
    expect(rerolled.embeds).toHaveLength(1);
    expect(embedOf(rerolled).footer!.text).toBe('引き直しでは AniList に問い合わせないよう「このサーバーでは」を省いています。/アニメ で表示できます。');

    // Bob starts the title: told privately, in French.
    const start = h.discord.sendButton({ customId: button(rerolled, '観始める'), user: 'bob', locale: 'fr', from: handle });
    expect((await start.waitForInitialResponse()).type).toBe(6);
    expect((await start.waitForFollowUp()).content).toMatch(/^✅ \*\*.+\*\* dans votre liste : Watching, 0\//);

    // A stranger's press is refused in the stranger's language.
    const strangers = h.discord.sendButton({ customId: button(rerolled, '引き直す'), user: 'carol', locale: 'es-419', from: handle });
    expect((await strangers.waitForInitialResponse()).data).toMatchObject({ content: CATALOGUES.es['random.notYourPick'], flags: MessageFlags.Ephemeral });
  });

  it('refuses in Japanese: an empty Planning list, a filter nothing matches, an unknown genre', async () => {
    const empty = h.discord.sendCommand({ name: 'random', user: 'alice', locale: 'ja', options: [{ name: 'with', value: franksMember.id }] });
    expect(await refusal(empty)).toBe('**Member 2** さんのアニメの Planning リストは空なので、選べるものがありません。');
    const none = h.discord.sendCommand({ name: 'random', user: 'alice', locale: 'ja', options: [{ name: 'genre', value: 'Drama' }, { name: 'max_episodes', value: 5 }] });
    expect(await refusal(none)).toBe(
      'あなたのアニメの Planning リストに条件（放送中または放送済み、18 禁でない（このチャンネルは NSFW に設定されていません）、ジャンル「Drama」、5 話以下（話数・章数が判明しているもの））に合う作品はありません。',
    );
    const genre = h.discord.sendCommand({ name: 'random', user: 'alice', locale: 'ja', options: [{ name: 'genre', value: 'Cooking' }] });
    expect(await refusal(genre)).toMatch(/^「Cooking」は AniList のジャンルではありません。候補から選んでください（例: .+）。$/);
  });
});

describe('/notifications in Spanish', () => {
  it('opts in and out in the member’s language', async () => {
    const on = h.discord.sendCommand({ name: 'notifications', user: 'alice', locale: 'es-ES', options: [{ name: 'enabled', value: true }, { name: 'types', value: 'airing' }] });
    const reply = (await on.waitForInitialResponse()).data as { content: string; flags: number };
    expect(reply.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(reply.content.split('\n')[0]).toBe(
      'Notificaciones activadas: te enviaré por DM los nuevos episodios de los anime que estás viendo de tu cuenta de AniList **GinaTaste** a medida que lleguen a partir de ahora.',
    );
    const again = h.discord.sendCommand({ name: 'notifications', user: 'alice', locale: 'es-ES', options: [{ name: 'enabled', value: true }] });
    expect(((await again.waitForInitialResponse()).data as { content: string }).content).toContain('`/notificaciones activadas:False`');
    const off = h.discord.sendCommand({ name: 'notifications', user: 'alice', locale: 'es-ES', options: [{ name: 'enabled', value: false }] });
    expect(((await off.waitForInitialResponse()).data as { content: string }).content).toBe(
      'Notificaciones desactivadas: ya no te enviaré por DM tus notificaciones de AniList. Siguen en AniList: <https://anilist.co/notifications>',
    );
  });
});

describe('linked roles in Japanese', () => {
  it('registers the five records with their names and descriptions in every language of the catalogues', () => {
    const i18n = createTranslations();
    expect(h.discord.roleConnections.metadata.map((record) => record.key)).toEqual([...METADATA_KEYS]);
    for (const record of h.discord.roleConnections.metadata) {
      const key = record.key as (typeof METADATA_KEYS)[number];
      expect(record.name).toBe(METADATA_TEXT[key].name);
      expect(record.name_localizations).toEqual(i18n.discordLocalizations(`roles.metadata.${key}.name`));
      expect(record.description_localizations).toEqual(i18n.discordLocalizations(`roles.metadata.${key}.description`));
    }
    expect(h.discord.roleConnections.metadata[0]).toMatchObject({ name_localizations: { ja: '完了したアニメ', 'es-ES': 'Anime completados', 'es-419': 'Anime completados', de: 'Abgeschlossene Anime' } });
  });

  it('a member who never ran /link verifies from a Japanese browser: pages in Japanese, and their DMs will be in the language Discord reports', async () => {
    h.discord.oauth.setUserLocale(yuki.id, 'ja');
    const browser = new TestBrowser({ 'accept-language': 'ja-JP,ja;q=0.9' });
    const page = await browser.get(`${h.publicUrl}/linked-role`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-language')).toBe('ja');
    expect(page.body).toContain('<html lang="ja">');
    expect(page.body).toContain('<h1>AniList の統計を認証</h1>');
    expect(page.body).toContain('<em>アニメを 100 本以上完了</em>');
    expect(page.body).toContain('<li>完了したアニメとマンガの数</li>');
    const done = await walkLinkPages({ discord: h.discord, anilist: h.anilistFake }, browser, `${h.publicUrl}/linked-role`, { discordUserId: yuki.id, anilistUserId: SEED_USERS.carol.id });
    expect(done.url).toBe(`${h.publicUrl}/oauth/done`);
    expect(done.body).toContain('<h1>完了しました！</h1>');
    expect(done.body).toContain('Discord のリンクロールが AniList ユーザー <strong>CarolFake</strong> の統計に従うようになりました。');
    expect(h.links.member(yuki.id)).toMatchObject({ anilistUserId: SEED_USERS.carol.id, discordLocale: 'ja' });

    // Verifying again (linked now): Discord is the only stop, and the page says so in Japanese.
    const again = await walkLinkPages({ discord: h.discord, anilist: h.anilistFake }, browser, `${h.publicUrl}/linked-role`, { discordUserId: yuki.id, anilistUserId: SEED_USERS.carol.id });
    expect(again.body).toContain('<title>リンクロールを認証しました · anilink</title>');
    expect(again.body).toContain('AniList ユーザー <strong>CarolFake</strong> が Discord ユーザー');
  });

  it('the one DM about a stale connection comes in the language the member had when they linked', async () => {
    // Yuki linked from the linked-roles page above; Discord reported Japanese for the account.
    h.discord.oauth.deauthorize(yuki.id);
    h.discord.oauth.expireAccessTokens(yuki.id);
    const update = h.discord.sendCommand({ name: 'update', user: yuki, locale: 'ja', options: [{ name: 'media', value: String(SEED_MEDIA.chainsawMan.id) }, { name: 'progress', value: 121 }] });
    await update.waitForEdit();
    await vi.waitFor(() => expect(h.discord.channelMessages.filter((message) => message.recipientId === yuki.id)).toHaveLength(1), { timeout: 10_000 });
    const dm = h.discord.channelMessages.find((message) => message.recipientId === yuki.id)!.message.content;
    expect(dm.split('\n')).toEqual([
      'Discord が AniList から **リンクロール** を更新することを許可しなくなりました。Discord で与えられた認可が削除されたか、期限が切れています。',
      'AniList のリンク自体はそのまま使えます。`/リスト`、`/更新`、`/プロフィール` には影響ありません。',
      `ロールを再び AniList の統計に合わせるには、もう一度認証してください: <${h.publicUrl}/linked-role> を開くか、サーバーのメニューで **リンクロール** を選び、このアプリを選択します。`,
      '-# このお知らせはこの 1 回だけです。',
    ]);
  });
});
