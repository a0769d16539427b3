/**
 * Members whose Discord is in Japanese and in Brazilian Portuguese, end to end against the real bot: /link and its
 * pages (by the browser's Accept-Language), the edited /link reply, /list, /update, /anime and its buttons, refusals.
 * Every text is compared with its catalogue, so a fallback to English would fail here.
 */
import { MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_MEDIA, SEED_USERS } from '../../fakes/anilist/index.js';
import { fakeUsers, type DiscordMessage, type InteractionHandle } from '../../fakes/discord/index.js';
import { CATALOGUES } from '../../src/i18n/index.js';
import { TestBrowser } from '../support/browser.js';
import { startBotHarness, type BotHarness } from '../support/bot-harness.js';
import { walkLinkPages } from '../support/link-walk.js';
import { linkAndUseServer } from '../support/server-members.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('anilink-i18n-');
let harness: BotHarness | undefined;

afterEach(async () => {
  expect(harness?.discord.schemaViolations ?? []).toEqual([]);
  await harness?.close();
  harness = undefined;
});

type Field = { name: string; value: string };
type Embed = { title?: string; description?: string; footer?: { text: string }; author?: { name: string }; fields?: Field[] };
type Button = { custom_id?: string; label?: string };

const embedsOf = (message: DiscordMessage | null | undefined) => (message?.embeds ?? []) as Embed[];
const buttonsOf = (message: DiscordMessage | null | undefined) => (message?.components ?? []).flatMap((row) => (row as { components: Button[] }).components);
const labelsOf = (message: DiscordMessage | null | undefined) => buttonsOf(message).map((b) => b.label);
const button = (message: DiscordMessage, label: string) => {
  const found = buttonsOf(message).find((b) => b.label === label);
  if (!found?.custom_id) throw new Error(`no button labelled ${label}: ${JSON.stringify(labelsOf(message))}`);
  return found.custom_id;
};
const contentOf = (response: { data: Record<string, unknown> | undefined }) => (response.data as { content?: string } | undefined)?.content;

async function edited(handle: InteractionHandle): Promise<DiscordMessage> {
  expect((await handle.waitForInitialResponse()).type).toBe(5);
  return (await handle.waitForEdit()).message!;
}

/** /link in the member's Discord language, then the pages in their browser's language; returns what they saw. */
async function linkIn(h: BotHarness, user: 'carol' | 'dave', anilistUserId: number, locale: string, acceptLanguage: string) {
  const handle = h.discord.sendCommand({ name: 'link', user, locale });
  const reply = await handle.waitForInitialResponse();
  const url = (reply.data as { components: { components: { url: string }[] }[] }).components[0]!.components[0]!.url;
  const browser = new TestBrowser({ 'accept-language': acceptLanguage });
  const startPage = await browser.get(url);
  const result = await walkLinkPages({ discord: h.discord, anilist: h.anilistFake }, browser, url, { discordUserId: fakeUsers[user].id, anilistUserId });
  expect(result.url).toBe(`${h.publicUrl}/oauth/done`);
  return { reply, startPage, result, edit: (await handle.waitForEdit()).body as { content: string } };
}

describe('a member whose Discord is in Japanese', () => {
  const ja = CATALOGUES.ja;

  it('links, lists, updates and looks a title up in Japanese; a card keeps its language when someone else presses it', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    const { reply, startPage, result, edit } = await linkIn(h, 'carol', SEED_USERS.carol.id, 'ja', 'ja-JP,ja;q=0.9,en;q=0.5');
    expect(contentOf(reply)).toBe(`${ja['link.intro']}\n${ja['link.instructions']}`);
    expect((reply.data as { flags: number }).flags & MessageFlags.Ephemeral).toBeTruthy();
    expect((reply.data as { components: { components: { label: string }[] }[] }).components[0]!.components[0]!.label).toBe('AniList アカウントをリンク');
    // The pages follow the browser, and say so.
    expect(startPage.headers.get('content-language')).toBe('ja');
    expect(startPage.body).toContain('<html lang="ja">');
    expect(startPage.body).toContain('<h1>AniList アカウントをリンク</h1>');
    expect(startPage.body).toContain('<strong>Discord でサインイン</strong>して');
    expect(result.body).toContain('<html lang="ja">');
    expect(result.body).toContain('AniList ユーザー <strong>CarolFake</strong> が Discord ユーザー');
    // The /link reply is edited in the language the member ran /link in.
    expect(edit.content).toBe('✅ AniList ユーザー **CarolFake** とリンクしました。`/リスト`、`/更新`、`/プロフィール` が使えるようになりました。');

    const list = await edited(h.discord.sendCommand({ name: 'list', user: 'carol', locale: 'ja' }));
    const [listEmbed] = embedsOf(list);
    expect(listEmbed!.title).toBe('CarolFake さんのアニメ · Watching');
    expect(listEmbed!.description).toContain(' · 12/28 話 · ★★★★☆');
    expect(listEmbed!.footer!.text).toBe('1/1 ページ · 1 件 · 最近更新した順');

    const update = await edited(
      h.discord.sendCommand({ name: 'update', user: 'carol', locale: 'ja', options: [{ name: 'media', value: String(SEED_MEDIA.frieren.id) }, { name: 'progress', value: 13 }] }),
    );
    const [updateEmbed] = embedsOf(update);
    expect(updateEmbed!.author!.name).toBe('CarolFake さんがリストを更新しました');
    expect(updateEmbed!.fields).toEqual([
      { name: 'ステータス', value: 'Watching', inline: true },
      { name: '進捗', value: '13/28 話', inline: true },
      { name: 'スコア', value: '★★★★☆', inline: true },
    ]);

    const nothing = h.discord.sendCommand({ name: 'update', user: 'carol', locale: 'ja', options: [{ name: 'media', value: String(SEED_MEDIA.frieren.id) }] });
    expect((await nothing.waitForInitialResponse()).data).toMatchObject({ content: ja['update.nothingToChange'], flags: MessageFlags.Ephemeral });

    // The card: Japanese labels, AniList's own list names, and the viewer's buttons.
    await linkAndUseServer(h, [['alice', SEED_USERS.alice.id]]);
    const cardHandle = h.discord.sendCommand({ name: 'anime', user: 'carol', locale: 'ja', options: [{ name: 'title', value: String(SEED_MEDIA.cowboyBebop.id) }] });
    const card = await edited(cardHandle);
    const [title, server] = embedsOf(card);
    expect(title!.fields!.map((field) => field.name)).toEqual(['形式', '話数', 'ステータス', 'シーズン', '平均スコア', 'ジャンル']);
    expect(title!.fields!.map((field) => field.value)).toEqual(['TV', '26 話 × 24 分', '完結', '1998', '86%', 'Action, Sci-Fi']);
    expect(server!.title).toBe('このサーバーでは');
    expect(server!.description).toBe(`<@${fakeUsers.alice.id}> · Rewatching · 5/26 · 10.0/10`);
    expect(labelsOf(card)).toEqual(['Planning に追加', 'Watching にする', 'AniList']);

    // Alice reads Portuguese: her private answer is in Portuguese, Carol's public card stays Japanese.
    const press = h.discord.sendButton({ customId: button(card, 'Planning に追加'), user: 'alice', locale: 'pt-BR', from: cardHandle });
    expect((await press.waitForInitialResponse()).type).toBe(6);
    const redrawn = (await press.waitForEdit()).message!;
    expect(embedsOf(redrawn)[1]!.title).toBe('このサーバーでは');
    expect(labelsOf(redrawn)).toEqual(['Planning に追加', 'Watching にする', 'AniList']);
    expect((await press.waitForFollowUp()).content).toBe('**Cowboy Bebop** já está na sua lista (Rewatching, 5/26); nada mudou.');
  });
});

describe('a member whose Discord is in Brazilian Portuguese', () => {
  const pt = CATALOGUES['pt-BR'];

  it('links, lists, updates and is refused in Portuguese; pages and errors follow the browser', async () => {
    const h = (harness = await startBotHarness({ dir: tempDir() }));
    const { reply, startPage, result, edit } = await linkIn(h, 'dave', SEED_USERS.dave.id, 'pt-BR', 'pt-BR,pt;q=0.9');
    expect(contentOf(reply)).toBe(`${pt['link.intro']}\n${pt['link.instructions']}`);
    expect(startPage.body).toContain('<html lang="pt-BR">');
    expect(startPage.body).toContain('<a class="button" href="');
    expect(startPage.body).toContain('Entrar com o Discord</a>');
    expect(result.body).toContain('<h1>Tudo pronto!</h1>');
    expect(result.body).toContain('<code>/lista</code>, <code>/atualizar</code> e <code>/perfil</code> já funcionam para você.');
    expect(edit.content).toBe('✅ Vinculado ao usuário do AniList **DaveFake**. Agora você pode usar `/lista`, `/atualizar` e `/perfil`.');

    const manga = await edited(h.discord.sendCommand({ name: 'list', user: 'dave', locale: 'pt-BR', options: [{ name: 'type', value: 'MANGA' }] }));
    expect(embedsOf(manga)[0]!.title).toBe('Mangá de DaveFake · Reading');
    expect(embedsOf(manga)[0]!.description).toContain(' · Cap. 200/327 · ');
    expect(embedsOf(manga)[0]!.footer!.text).toBe('Página 1/1 · 1 entrada · atualizadas recentemente primeiro');
    const empty = await edited(h.discord.sendCommand({ name: 'list', user: 'dave', locale: 'pt-BR', options: [{ name: 'status', value: 'PLANNING' }] }));
    expect(empty.content).toBe('Sua lista de anime ainda não tem nada em “Planning to watch”.');

    const update = await edited(
      h.discord.sendCommand({ name: 'update', user: 'dave', locale: 'pt-BR', options: [{ name: 'media', value: String(SEED_MEDIA.mushishi.id) }, { name: 'status', value: 'CURRENT' }] }),
    );
    expect(embedsOf(update)[0]!.author!.name).toBe('DaveFake atualizou a lista');
    expect(embedsOf(update)[0]!.fields!.map((field) => [field.name, field.value])).toEqual([
      ['Status', 'Watching'],
      ['Progresso', 'Ep. 10/26'],
      ['Nota', '😐'],
    ]);

    // Refusals known before AniList is asked: in Portuguese, privately.
    const badScore = h.discord.sendCommand({ name: 'update', user: 'dave', locale: 'pt-BR', options: [{ name: 'media', value: String(SEED_MEDIA.mushishi.id) }, { name: 'score', value: 7 }] });
    const refusal = contentOf(await badScore.waitForInitialResponse());
    expect(refusal).toBe(
      'Sua conta do AniList usa o formato de notas 3 point smiley, então a nota deve ser 0 (nenhuma), 1 🙁, 2 😐 ou 3 🙂 (0 remove a nota).\n' +
        'Mudou seu formato de notas no AniList recentemente? Use `/lista` ou `/perfil` uma vez e eu vou perceber.',
    );
    const stranger = h.discord.sendCommand({ name: 'list', user: 'bob', locale: 'pt-BR' });
    expect((await stranger.waitForInitialResponse()).data).toMatchObject({ content: pt['common.runLinkFirst'], flags: MessageFlags.Ephemeral });

    // A failure page in the browser's language, whatever the Discord client's.
    const expired = await new TestBrowser({ 'accept-language': 'pt-BR' }).get(`${h.publicUrl}/link/${'x'.repeat(43)}`);
    expect(expired.status).toBe(400);
    expect(expired.body).toContain('<html lang="pt-BR">');
    expect(expired.body).toContain('<h1>Este link expirou</h1>');
    const english = await new TestBrowser({ 'accept-language': 'ko-KR' }).get(`${h.publicUrl}/nowhere`);
    expect(english.status).toBe(404);
    expect(english.body).toContain('<html lang="en">');
  });
});
