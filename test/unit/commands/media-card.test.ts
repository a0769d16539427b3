import { describe, expect, it } from 'vitest';
import { parseCardButtonId } from '../../../commands/media/card.js';
import { sortRows, type ServerViewRow } from '../../../commands/media/server-views.js';
import { plainDescription } from '../../../commands/format/description.js';

const VIEWER = '111111111111111101';

describe('card button ids', () => {
  it('parses the card’s own buttons and nothing else', () => {
    expect(parseCardButtonId(`anime:card:plan:1001:${VIEWER}`)).toEqual({ command: 'anime', action: 'plan', mediaId: 1001, viewerId: VIEWER, shownProgress: undefined });
    expect(parseCardButtonId(`random:card:inc:1001:${VIEWER}:7`)).toMatchObject({ command: 'random', action: 'inc', shownProgress: 7 });
    // The language the card was drawn in travels with its buttons.
    expect(parseCardButtonId(`anime:card:inc:1001:${VIEWER}:ja:7`)).toMatchObject({ action: 'inc', locale: 'ja', shownProgress: 7 });
    expect(parseCardButtonId(`anime:card:plan:1001:${VIEWER}:pt-BR`)).toMatchObject({ action: 'plan', locale: 'pt-BR', shownProgress: undefined });
    for (const bad of [
      `anime:card:inc:1001:${VIEWER}`, // +1 without the progress it was drawn with
      `anime:card:plan:1001:${VIEWER}:3`,
      `anime:card:delete:1001:${VIEWER}`,
      `anime:card:plan:abc:${VIEWER}`,
      'anime:card:plan:1001:123',
      `list:page:${VIEWER}:${VIEWER}:A:ALL:1`,
      `:card:plan:1001:${VIEWER}`,
      `anime:card:plan:1001:${VIEWER}:xx`, // not a language of the catalogues
      `anime:card:inc:1001:${VIEWER}:ja`, // a locale, but no progress
      `anime:card:inc:1001:${VIEWER}:ja:7:8`,
    ]) {
      expect(parseCardButtonId(bad), bad).toBeUndefined();
    }
  });
});

describe('server view order', () => {
  const row = (id: string, status: string, scoreRaw: number) => ({ member: { discordUserId: id }, entry: { status, scoreRaw }, scoreFormat: 'POINT_100' }) as unknown as ServerViewRow;

  it('sorts by status (watching, rewatching, completed, paused, dropped, planning), then score, unscored last', () => {
    const sorted = sortRows([
      row('planning', 'PLANNING', 0),
      row('completed-low', 'COMPLETED', 40),
      row('dropped', 'DROPPED', 90),
      row('completed-unscored', 'COMPLETED', 0),
      row('watching', 'CURRENT', 10),
      row('completed-high', 'COMPLETED', 95),
      row('paused', 'PAUSED', 50),
      row('rewatching', 'REPEATING', 70),
    ]);
    expect(sorted.map((r) => r.member.discordUserId)).toEqual([
      'watching',
      'rewatching',
      'completed-high',
      'completed-low',
      'completed-unscored',
      'paused',
      'dropped',
      'planning',
    ]);
  });
});

describe('plainDescription', () => {
  it('keeps line breaks, drops tags and spoilers, decodes entities and escapes formatting', () => {
    expect(plainDescription('A <i>quiet</i> journey.<br><br>Elves &amp; humans &#039;age&#039; ~!She dies.!~ *differently*', 500)).toBe(
      "A quiet journey.\n\nElves & humans 'age' \\*differently\\*",
    );
    expect(plainDescription('<b>&lt;@123&gt;</b> [x](y)', 100)).toBe('\\<@123\\> \\[x\\]\\(y\\)');
    expect(plainDescription('  <br> ', 100)).toBeUndefined();
    expect(plainDescription(null, 100)).toBeUndefined();
  });

  it('cuts at a word boundary', () => {
    const cut = plainDescription('one two three four five six seven eight nine ten', 20)!;
    expect(cut).toBe('one two three four…');
    expect(Array.from(cut).length).toBeLessThanOrEqual(20);
  });
});
