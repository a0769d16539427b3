import { ApplicationCommandOptionType, ApplicationCommandType, EmbedBuilder, escapeMarkdown } from 'discord.js';
import type { MediaListEntry, MediaType, ScoreFormat } from '../src/anilist/index.js';
import type { Translator } from '../src/i18n/index.js';
import { RUN_LINK_FIRST } from '../src/linking/index.js';
import { UserFacingError } from '../src/user-facing-error.js';
import { acknowledgeWhile } from './acknowledge.js';
import { isNsfwChannel } from './channel-nsfw.js';
import type { ChatInputCommand } from './command.js';
import { ANILIST_BLUE, displayTitle } from './format/media.js';
import { formatScore } from './format/score.js';
import { safeLabel, truncate } from './format/text.js';
import { readOptions } from './options.js';
import { MIN_SHARED_SCORES, compareTaste, type Recommendation, type SharedScore, type TasteComparison } from './taste/affinity.js';
import { loadTasteList, requireLinked, type TasteList } from './taste/lists.js';

const definition = {
  type: ApplicationCommandType.ChatInput,
  name: 'compare',
  description: 'How alike your taste is to another member’s, from both AniList lists',
  options: [
    { type: ApplicationCommandOptionType.User, name: 'user', description: 'The member to compare with', required: true },
    {
      type: ApplicationCommandOptionType.String,
      name: 'type',
      description: 'Anime or manga (default: anime)',
      required: false,
      choices: [
        { name: 'Anime', value: 'ANIME' },
        { name: 'Manga', value: 'MANGA' },
      ],
    },
  ],
} as const;

const TITLE_MAX = 60;

export const compare = {
  definition,

  async execute({ interaction, deps, t }) {
    const options = readOptions(interaction, definition);
    const type: MediaType = options.type ?? 'ANIME';
    const other = options.user;
    if (other.id === interaction.user.id) throw new UserFacingError('Pick another member: your taste matches your own perfectly. Try `/compare user:` with someone else.');
    const otherName = other.displayName;
    // Who is not linked is known from the database alone: answered before any AniList request.
    if (!deps.links.member(interaction.user.id)) {
      if (!deps.links.member(other.id)) throw new UserFacingError(`Neither you nor **${escapeMarkdown(otherName)}** have linked an AniList account yet. Run \`/link\` to connect yours; they can do the same.`);
      throw new UserFacingError(RUN_LINK_FIRST);
    }
    const caller = deps.links.requireUsableMember(interaction.user.id);
    const [otherMember] = requireLinked(deps, [{ id: other.id, displayName: otherName }], 'there is nothing to compare');
    const nsfwAllowed = isNsfwChannel(interaction);

    const work = (async () => {
      const purpose = 'their taste cannot be compared';
      const [mine, theirs] = await Promise.all([
        loadTasteList(deps, { caller, owner: caller, type, ownerLabel: 'Your', purpose }),
        loadTasteList(deps, { caller, owner: otherMember!, type, ownerLabel: `**${escapeMarkdown(otherName)}**`, purpose }),
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

function comparisonEmbed(t: Translator, view: ComparisonView): EmbedBuilder {
  const { mine, theirs, type, comparison } = view;
  const kind = type === 'MANGA' ? 'manga' : 'anime';
  const aName = safeLabel(mine.owner.anilistName, 40);
  const bName = safeLabel(theirs.owner.anilistName, 40);
  const embed = new EmbedBuilder().setColor(ANILIST_BLUE).setTitle(truncate(`${mine.owner.anilistName} × ${theirs.owner.anilistName} · ${kind} taste`, 256));

  const scored = comparison.sharedScores.length;
  const both = `${scored} ${scored === 1 ? 'title' : 'titles'} both scored`;
  const affinity = comparison.affinity;
  const headline =
    affinity.kind === 'score'
      ? `Affinity **${Math.round(affinity.correlation * 100)}%** over ${both}`
      : affinity.kind === 'tooFewShared'
        ? `Affinity: not enough shared scores (${both}; ${MIN_SHARED_SCORES} needed)`
        : `Affinity: cannot tell, one of you gave all ${both} the same score`;
  embed.setDescription(`<@${mine.owner.discordUserId}> and <@${theirs.owner.discordUserId}>\n${headline}`);

  embed.addFields(
    { name: 'Shared titles', value: `${comparison.sharedTitles} on both lists`, inline: true },
    {
      name: 'Mean score difference',
      value: comparison.meanDifference === undefined ? '—' : `${Math.round(comparison.meanDifference)} points out of 100`,
      inline: true,
    },
  );
  const scoreLine = (shared: SharedScore) =>
    `${titleOf(shared.a.entry, view.titleLanguage)} · ${aName} ${formatScore(t, shared.a.entry.score, mine.scoreFormat)} · ${bName} ${formatScore(t, shared.b.entry.score, theirs.scoreFormat)}`;
  if (comparison.agreements.length > 0) embed.addFields({ name: 'Agree most on', value: fieldValue(comparison.agreements.map(scoreLine)) });
  if (comparison.disagreements.length > 0) embed.addFields({ name: 'Disagree most on', value: fieldValue(comparison.disagreements.map(scoreLine)) });

  const recommendationLine = (giverFormat: ScoreFormat, receiverName: string) => (recommendation: Recommendation) =>
    `${titleOf(recommendation.from.entry, view.titleLanguage)} · ${formatScore(t, recommendation.from.entry.score, giverFormat)}${recommendation.planned ? ` · on ${receiverName}'s Planning list` : ''}`;
  if (comparison.forA.length > 0) {
    embed.addFields({ name: truncate(`For ${mine.owner.anilistName}, from ${theirs.owner.anilistName}'s favourites`, 256), value: fieldValue(comparison.forA.map(recommendationLine(theirs.scoreFormat, aName))) });
  }
  if (comparison.forB.length > 0) {
    embed.addFields({ name: truncate(`For ${theirs.owner.anilistName}, from ${mine.owner.anilistName}'s favourites`, 256), value: fieldValue(comparison.forB.map(recommendationLine(mine.scoreFormat, bName))) });
  }

  const truncated = [mine, theirs].filter((list) => list.truncated).map((list) => list.owner.anilistName);
  const notes = [`Scores compared on 0–100 from each member's own format.`];
  if (truncated.length > 0) notes.push(`Only the most recently updated entries of ${truncated.join(' and ')}'s list were read.`);
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
