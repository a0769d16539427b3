import { ApplicationCommandOptionType, ApplicationCommandType, EmbedBuilder } from 'discord.js';
import type { MediaListEntry, MediaType, ScoreFormat } from '../src/anilist/index.js';
import { msg, type Translator } from '../src/i18n/index.js';
import { RUN_LINK_FIRST } from '../src/linking/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import { acknowledgeWhile } from './acknowledge.js';
import { isNsfwChannel } from './channel-nsfw.js';
import type { ChatInputCommand } from './command.js';
import { ANILIST_BLUE, displayTitle } from './format/media.js';
import { formatScore } from './format/score.js';
import { safeLabel, truncate } from './format/text.js';
import { MEDIA_TYPE_OPTION } from './media/choices.js';
import { readOptions } from './options.js';
import { MIN_SHARED_SCORES, compareTaste, type Recommendation, type SharedScore, type TasteComparison } from './taste/affinity.js';
import { loadTasteList, memberLabel, requireLinked, type TasteList } from './taste/lists.js';

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'compare',
  description: 'How alike your taste is to another member’s, from both AniList lists',
  options: [
    { type: ApplicationCommandOptionType.User, name: 'user', description: 'The member to compare with', required: true },
    MEDIA_TYPE_OPTION,
  ],
} as const;

const TITLE_MAX = 60;

export const compare = {
  install: 'everywhere',
  definition,

  async execute({ interaction, deps, t }) {
    const options = readOptions(interaction, definition);
    const type: MediaType = options.type ?? 'ANIME';
    const other = options.user;
    if (other.id === interaction.user.id) throw new UserFacingError(msg('compare.self'));
    const otherLabel = (reader: Translator) => memberLabel(reader, other.displayName);
    // Who is not linked is known from the database alone: answered before any AniList request.
    if (!deps.links.member(interaction.user.id)) {
      if (!deps.links.member(other.id)) throw new UserFacingError(msg('compare.neitherLinked', { member: otherLabel }));
      throw new UserFacingError(RUN_LINK_FIRST);
    }
    const caller = deps.links.requireUsableMember(interaction.user.id);
    const [otherMember] = requireLinked(deps, [{ id: other.id, displayName: other.displayName }], 'compare.notLinked');
    const nsfwAllowed = isNsfwChannel(interaction);

    const privateProfile = msg('compare.private', { member: otherLabel });

    const work = (async () => {
      const [mine, theirs] = await Promise.all([
        loadTasteList(deps, { caller, owner: caller, type, privateProfile }),
        loadTasteList(deps, { caller, owner: otherMember!, type, privateProfile }),
      ]);
      return { mine, theirs };
    })();
    const { mine, theirs } = await acknowledgeWhile(work, () => interaction.deferReply());
    const shown = (list: TasteList) => (nsfwAllowed ? list.entries : list.entries.filter((entry) => entry.media?.isAdult !== true));
    const comparison = compareTaste({ entries: shown(mine), scoreFormat: mine.scoreFormat }, { entries: shown(theirs), scoreFormat: theirs.scoreFormat });
    await interaction.editReply({ content: '', embeds: [comparisonEmbed(t, { mine, theirs, type, comparison, titleLanguage: caller.titleLanguage })], allowedMentions: { parse: [] } });
  },
} satisfies ChatInputCommand;

interface ComparisonView {
  readonly mine: TasteList;
  readonly theirs: TasteList;
  readonly type: MediaType;
  readonly comparison: TasteComparison;
  readonly titleLanguage: string;
}

/** The comparison, in the caller's language (the answer is public; the caller asked for it). */
function comparisonEmbed(t: Translator, view: ComparisonView): EmbedBuilder {
  const { mine, theirs, type, comparison } = view;
  const aName = safeLabel(mine.owner.anilistName, 40);
  const bName = safeLabel(theirs.owner.anilistName, 40);
  const embed = new EmbedBuilder()
    .setColor(ANILIST_BLUE)
    .setTitle(truncate(t('compare.title', { a: mine.owner.anilistName, b: theirs.owner.anilistName, type }), 256));

  const count = comparison.sharedScores.length;
  const affinity = comparison.affinity;
  const headline =
    affinity.kind === 'score'
      ? t('compare.affinity', { affinity: Math.round(affinity.correlation * 100) / 100, count })
      : affinity.kind === 'tooFewShared'
        ? t('compare.tooFewShared', { count, needed: MIN_SHARED_SCORES })
        : t('compare.noSpread', { count });
  embed.setDescription(`${t('compare.members', { a: `<@${mine.owner.discordUserId}>`, b: `<@${theirs.owner.discordUserId}>` })}\n${headline}`);

  embed.addFields(
    { name: t('compare.field.sharedTitles'), value: t('compare.sharedTitles', { count: comparison.sharedTitles }), inline: true },
    {
      name: t('compare.field.meanDifference'),
      value: comparison.meanDifference === undefined ? '—' : t('compare.meanDifference', { points: Math.round(comparison.meanDifference) }),
      inline: true,
    },
  );
  const scoreLine = (shared: SharedScore) =>
    `${titleOf(shared.a.entry, view.titleLanguage)} · ${aName} ${formatScore(t, shared.a.entry.score, mine.scoreFormat)} · ${bName} ${formatScore(t, shared.b.entry.score, theirs.scoreFormat)}`;
  if (comparison.agreements.length > 0) embed.addFields({ name: t('compare.field.agree'), value: fieldValue(comparison.agreements.map(scoreLine)) });
  if (comparison.disagreements.length > 0) embed.addFields({ name: t('compare.field.disagree'), value: fieldValue(comparison.disagreements.map(scoreLine)) });

  const recommendationLine = (giverFormat: ScoreFormat, receiverName: string) => (recommendation: Recommendation) =>
    `${titleOf(recommendation.from.entry, view.titleLanguage)} · ${formatScore(t, recommendation.from.entry.score, giverFormat)}${recommendation.planned ? ` · ${t('compare.onPlanning', { member: receiverName })}` : ''}`;
  const forField = (receiver: TasteList, giver: TasteList) => truncate(t('compare.field.for', { receiver: receiver.owner.anilistName, giver: giver.owner.anilistName }), 256);
  if (comparison.forA.length > 0) {
    embed.addFields({ name: forField(mine, theirs), value: fieldValue(comparison.forA.map(recommendationLine(theirs.scoreFormat, aName))) });
  }
  if (comparison.forB.length > 0) {
    embed.addFields({ name: forField(theirs, mine), value: fieldValue(comparison.forB.map(recommendationLine(mine.scoreFormat, bName))) });
  }

  const truncated = [mine, theirs].filter((list) => list.truncated).map((list) => list.owner.anilistName);
  const notes = [t('compare.footer.scale')];
  if (truncated.length > 0) notes.push(t('compare.footer.truncated', { members: t.list(truncated), count: truncated.length }));
  embed.setFooter({ text: truncate(notes.join(' '), 2048) });
  return embed;
}

function titleOf(entry: MediaListEntry, titleLanguage: string): string {
  const title = `**${safeLabel(displayTitle(entry.media?.title, titleLanguage), TITLE_MAX)}**`;
  return entry.media?.siteUrl ? `[${title}](${entry.media.siteUrl})` : title;
}

/** Lines for one embed field (1,024 characters at most): whole lines only. */
function fieldValue(lines: readonly string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (length + line.length + 1 > 1024) break;
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n') || '—';
}
