import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as GraphQLJs from 'graphql';
import type { DocumentNode } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { describe, expect, it } from 'vitest';
import * as generated from '../../src/anilist/generated/graphql.js';

// graphql-query-complexity is loaded by Node itself and gets graphql's CommonJS build, while
// Vite would hand this file the .mjs build; graphql-js refuses to mix the two ("Duplicate graphql
// modules"), so the test takes graphql from the same place the complexity library does.
const graphqlJs = createRequire(import.meta.url)('graphql') as typeof GraphQLJs;
const { buildSchema, getOperationAST, parse, print, validate } = graphqlJs;

const anilistDir = fileURLToPath(new URL('../../src/anilist/', import.meta.url));
const operationsDir = `${anilistDir}operations/`;
const schema = buildSchema(readFileSync(`${anilistDir}schema.graphql`, 'utf8'));

const operationFiles = readdirSync(operationsDir)
  .filter((name) => name.endsWith('.graphql'))
  .sort();

// Shared selections: an operation document is sent together with the fragments it spreads.
const fragmentsDir = `${operationsDir}fragments/`;
const fragments = readdirSync(fragmentsDir)
  .filter((name) => name.endsWith('.graphql'))
  .map((name) => readFileSync(`${fragmentsDir}${name}`, 'utf8'))
  .map((source) => ({ source, name: /fragment\s+(\w+)/.exec(source)?.[1] ?? '' }));

// Complexity depends on arguments only for list sizes; these mirror what the client sends.
const sampleVariables: Record<string, Record<string, unknown>> = {
  Viewer: {},
  UserProfile: { id: 1 },
  UserMediaList: { userId: 1, type: 'ANIME', status: 'CURRENT', chunk: 1, perChunk: 500 },
  MediaById: { id: 1 },
  SearchMedia: { search: 'frieren', type: 'ANIME', isAdult: false, perPage: 25 },
  SaveMediaListEntry: { mediaId: 1, status: 'CURRENT', progress: 3, score: 8 },
  DeleteMediaListEntry: { id: 1 },
  // The largest card: the title and all four pages of 50 members.
  MediaCard: {
    mediaId: 1,
    withMedia: true,
    ...Object.fromEntries(
      [0, 1, 2, 3].flatMap((page): [string, unknown][] => [
        [`members${page}`, Array.from({ length: 50 }, (_, i) => page * 50 + i + 1)],
        [`with${page}`, true],
      ]),
    ),
  },
  OwnMediaListEntry: { mediaId: 1, userId: 1 },
  GenreCollection: {},
  ViewerStatistics: {},
  Notifications: { page: 1, perPage: 50, types: ['AIRING', 'RELATED_MEDIA_ADDITION'] },
  // The airing feed's largest requests: 50 titles in a window, and four pages of 50 members' Watching entries.
  AiringSchedules: { mediaIds: Array.from({ length: 50 }, (_, i) => i + 1), after: 1_700_000_000, before: 1_700_000_900, page: 1 },
  AiringWatchlist: { userIds: Array.from({ length: 50 }, (_, i) => i + 1), page0: 1, page1: 2, page2: 3, page3: 4 },
};

// AniList refuses queries above this (API-FACTS §5: "Max query complexity should be 500").
const ANILIST_MAX_COMPLEXITY = 500;

function load(name: string): DocumentNode {
  const source = readFileSync(`${operationsDir}${name}`, 'utf8');
  // In the order the operation first spreads them, as codegen writes them.
  const used = fragments
    .filter((fragment) => source.includes(`...${fragment.name}`))
    .sort((a, b) => source.indexOf(`...${a.name}`) - source.indexOf(`...${b.name}`))
    .map((fragment) => fragment.source);
  return parse([source, ...used].join('\n'));
}

function operationName(document: DocumentNode): string {
  const name = getOperationAST(document)?.name?.value;
  if (name === undefined) throw new Error('every operation must be named');
  return name;
}

describe('AniList operation documents', () => {
  it('covers every operation the product needs', () => {
    const names = operationFiles.map((file) => operationName(load(file)));
    expect(names).toEqual(
      expect.arrayContaining([
        'Viewer',
        'UserProfile',
        'UserMediaList',
        'MediaById',
        'SearchMedia',
        'SaveMediaListEntry',
        'DeleteMediaListEntry',
        'MediaCard',
        'OwnMediaListEntry',
        'GenreCollection',
        'Notifications',
      ]),
    );
  });

  describe.each(operationFiles)('%s', (file) => {
    const document = load(file);
    const name = operationName(document);

    it('validates against the vendored schema', () => {
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
    });

    it(`stays under AniList's complexity limit of ${ANILIST_MAX_COMPLEXITY}`, () => {
      const variables = sampleVariables[name];
      expect(variables, `add sample variables for ${name}`).toBeDefined();
      const complexity = getComplexity({
        schema,
        query: document,
        variables: variables ?? {},
        estimators: [simpleEstimator({ defaultComplexity: 1 })],
      });
      expect(complexity).toBeGreaterThan(0);
      expect(complexity).toBeLessThan(ANILIST_MAX_COMPLEXITY);
    });

    it('matches the committed generated document (run `npm run codegen` if this fails)', () => {
      const exported: unknown = (generated as Record<string, unknown>)[`${name}Document`];
      expect(exported, `${name}Document missing from src/anilist/generated`).toBeDefined();
      expect(print(exported as DocumentNode)).toBe(print(document));
    });
  });

  it('catches a misspelled field (the check above is not vacuous)', () => {
    const misspelled = parse(print(load('Viewer.graphql')).replace('siteUrl', 'siteURL'));
    const messages = validate(schema, misspelled).map((error) => error.message);
    expect(messages).toEqual([expect.stringContaining('Cannot query field "siteURL" on type "User"')]);
  });
});
