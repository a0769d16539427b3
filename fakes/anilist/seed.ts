import type {
  FakeAniListSeed,
  FakeMedia,
  FakeMediaListEntry,
  FakeUser,
  MediaFormat,
  MediaListStatus,
  MediaStatus,
  MediaType,
  ScoreFormat,
  TitleLanguage,
} from './types.js';

/** Seed users. `private` ones return 404 to everyone but themselves. */
export const SEED_USERS = {
  /** POINT_10_DECIMAL, ENGLISH titles, no adult content, ~12 entries. Default logged-in user on the authorize page. */
  alice: { id: 710001, name: 'AliceFake', scoreFormat: 'POINT_10_DECIMAL', titleLanguage: 'ENGLISH' },
  /** POINT_100, ROMAJI titles, displayAdultContent TRUE, split completed list, custom lists, 70+ entries (pagination). */
  bob: { id: 710002, name: 'BobFake', scoreFormat: 'POINT_100', titleLanguage: 'ROMAJI' },
  /** POINT_5, NATIVE titles. */
  carol: { id: 710003, name: 'CarolFake', scoreFormat: 'POINT_5', titleLanguage: 'NATIVE' },
  /** POINT_3, ROMAJI titles. */
  dave: { id: 710004, name: 'DaveFake', scoreFormat: 'POINT_3', titleLanguage: 'ROMAJI' },
  /** POINT_10, ENGLISH titles, PRIVATE profile. */
  erin: { id: 710005, name: 'ErinPrivate', scoreFormat: 'POINT_10', titleLanguage: 'ENGLISH' },
  /** POINT_10, ROMAJI titles, empty lists. */
  frank: { id: 710006, name: 'FrankEmpty', scoreFormat: 'POINT_10', titleLanguage: 'ROMAJI' },
  /**
   * POINT_10, ENGLISH titles. Taste partner of hank (/compare, /random): 12 anime both scored, favourites the other
   * lacks or plans, Planning lists that overlap (with genres, lengths, an unreleased, an adult and a private title).
   */
  gina: { id: 710007, name: 'GinaTaste', scoreFormat: 'POINT_10', titleLanguage: 'ENGLISH' },
  /** POINT_5, ROMAJI titles. Taste partner of gina; one private COMPLETED entry gina also scored. */
  hank: { id: 710008, name: 'HankTaste', scoreFormat: 'POINT_5', titleLanguage: 'ROMAJI' },
} as const satisfies Record<string, { id: number; name: string; scoreFormat: ScoreFormat; titleLanguage: TitleLanguage }>;

export type SeedUserKey = keyof typeof SEED_USERS;

/** A user id that does not exist in the seed. */
export const UNKNOWN_USER_ID = 799999;
/** A media id that does not exist in the seed. */
export const UNKNOWN_MEDIA_ID = 999999;

const LONG_ROMAJI =
  'Isekai ni Tensei shita Ore ga Saikyou no Mahoutsukai ni Natta Kedo Nazeka Mainichi Chiisana Kissaten de Coffee wo Irete Kurashiteiru no de Dare mo Shinjite Kurenai Ken ni Tsuite Kuwashiku Setsumei Shimasu ga Mada Owaranai Monogatari Dai Ni Shou Kanketsu Hen';
const LONG_ENGLISH =
  'I Was Reincarnated as the Strongest Wizard in Another World, but for Some Reason I Spend Every Day Brewing Coffee in a Tiny Café, So Nobody Believes Me: A Detailed Explanation of Why the Story Is Still Not Over, Part Two, the Final Arc';

const NASTY_ROMAJI = '<script>alert("x")</script> **Bold** _it_ `code` [link](https://evil.example) @everyone <@123> ||spoiler|| & "quotes"';

/** Seed media. Keys are stable names for tests. */
export const SEED_MEDIA = {
  frieren: { id: 1001, type: 'ANIME' },
  aot: { id: 1002, type: 'ANIME' },
  yourName: { id: 1003, type: 'ANIME' },
  /** RELEASING, episodes null */
  onePiece: { id: 1004, type: 'ANIME' },
  /** RELEASING, episodes null */
  apothecary: { id: 1005, type: 'ANIME' },
  /** english null */
  hoshizora: { id: 1006, type: 'ANIME' },
  /** english null and native null */
  kagebousha: { id: 1007, type: 'ANIME' },
  /** title longer than 200 chars */
  longTitle: { id: 1008, type: 'ANIME' },
  /** markdown / HTML / mention characters in every title */
  nastyTitle: { id: 1009, type: 'ANIME' },
  /** NOT_YET_RELEASED, episodes null */
  upcoming: { id: 1010, type: 'ANIME' },
  /** isAdult, shares the search word "Himitsu" with `himitsuGarden` */
  adultAnimeA: { id: 1011, type: 'ANIME' },
  /** isAdult */
  adultAnimeB: { id: 1012, type: 'ANIME' },
  /** NOT adult, shares "Himitsu" with adultAnimeA */
  himitsuGarden: { id: 1013, type: 'ANIME' },
  cowboyBebop: { id: 1014, type: 'ANIME' },
  madoka: { id: 1015, type: 'ANIME' },
  spiritedAway: { id: 1016, type: 'ANIME' },
  mushishi: { id: 1017, type: 'ANIME' },
  ovaShort: { id: 1018, type: 'ANIME' },
  onaSeries: { id: 1019, type: 'ANIME' },
  bocchi: { id: 1020, type: 'ANIME' },
  berserk: { id: 2001, type: 'MANGA' },
  yotsuba: { id: 2002, type: 'MANGA' },
  punpun: { id: 2003, type: 'MANGA' },
  chainsawMan: { id: 2004, type: 'MANGA' },
  vagabond: { id: 2005, type: 'MANGA' },
  /** isAdult manga */
  adultManga: { id: 2006, type: 'MANGA' },
  /** english null */
  hanaNoUta: { id: 2007, type: 'MANGA' },
  oneShot: { id: 2008, type: 'MANGA' },
  lightNovel: { id: 2009, type: 'MANGA' },
  frierenManga: { id: 2010, type: 'MANGA' },
  /** HIATUS, chapters null */
  hunter: { id: 2011, type: 'MANGA' },
  aotManga: { id: 2012, type: 'MANGA' },
} as const satisfies Record<string, { id: number; type: MediaType }>;

export type SeedMediaKey = keyof typeof SEED_MEDIA;

/** 40 generated filler anime (ids FILLER_MEDIA_FIRST_ID … +39), used to give bob 70+ entries. */
export const FILLER_MEDIA_FIRST_ID = 3001;
export const FILLER_MEDIA_COUNT = 40;

/** Fixed epoch for seeded timestamps: 2025-01-01T00:00:00Z (unix seconds). */
export const SEED_EPOCH = 1735689600;

interface MediaSpec {
  key: SeedMediaKey;
  romaji: string;
  english: string | null;
  native: string | null;
  format: MediaFormat;
  status: MediaStatus;
  episodes?: number | null;
  duration?: number | null;
  chapters?: number | null;
  volumes?: number | null;
  isAdult?: boolean;
  averageScore?: number | null;
  popularity?: number;
  synonyms?: string[];
  genres?: string[];
  year?: number | null;
  color?: string | null;
  season?: FakeMedia['season'];
  studios?: string[];
  staff?: [name: string, role: string][];
  nextEpisode?: number;
}

const MEDIA_SPECS: MediaSpec[] = [
  { key: 'frieren', romaji: 'Sousou no Frieren', english: "Frieren: Beyond Journey's End", native: '葬送のフリーレン', format: 'TV', status: 'FINISHED', episodes: 28, duration: 24, averageScore: 91, popularity: 500000, genres: ['Adventure', 'Drama', 'Fantasy'], year: 2023, color: '#a1e45d', season: 'FALL', studios: ['MADHOUSE'], staff: [['Kanehito Yamada', 'Original Story'], ['Tsukasa Abe', 'Original Character Design'], ['Keiichirou Saitou', 'Director']] },
  { key: 'aot', romaji: 'Shingeki no Kyojin', english: 'Attack on Titan', native: '進撃の巨人', format: 'TV', status: 'FINISHED', episodes: 25, duration: 24, averageScore: 84, popularity: 900000, synonyms: ['AoT', 'SnK'], genres: ['Action', 'Drama'], year: 2013 },
  { key: 'yourName', romaji: 'Kimi no Na wa.', english: 'Your Name.', native: '君の名は。', format: 'MOVIE', status: 'FINISHED', episodes: 1, duration: 106, averageScore: 85, popularity: 700000, genres: ['Romance', 'Drama'], year: 2016 },
  { key: 'onePiece', romaji: 'ONE PIECE', english: 'ONE PIECE', native: 'ONE PIECE', format: 'TV', status: 'RELEASING', episodes: null, duration: 24, averageScore: 88, popularity: 600000, genres: ['Action', 'Adventure'], year: 1999, season: 'FALL', studios: ['Toei Animation'], nextEpisode: 1100 },
  { key: 'apothecary', romaji: 'Kusuriya no Hitorigoto', english: 'The Apothecary Diaries', native: '薬屋のひとりごと', format: 'TV', status: 'RELEASING', episodes: null, duration: 24, averageScore: 88, popularity: 300000, genres: ['Drama', 'Mystery'], year: 2023, season: 'FALL', studios: ['TOHO animation STUDIO', 'OLM'], nextEpisode: 13 },
  { key: 'hoshizora', romaji: 'Hoshizora no Kanata', english: null, native: '星空の彼方', format: 'TV', status: 'FINISHED', episodes: 12, duration: 24, averageScore: 70, popularity: 12000, genres: ['Sci-Fi'], year: 2021 },
  { key: 'kagebousha', romaji: 'Kagebousha Monogatari', english: null, native: null, format: 'ONA', status: 'FINISHED', episodes: 6, duration: 12, averageScore: null, popularity: 800, genres: ['Mystery'], year: 2020 },
  { key: 'longTitle', romaji: LONG_ROMAJI, english: LONG_ENGLISH, native: '異世界に転生した俺が最強の魔法使いになったけど何故か毎日小さな喫茶店でコーヒーを淹れて暮らしているので誰も信じてくれない件について詳しく説明しますがまだ終わらない物語第二章完結編', format: 'TV', status: 'FINISHED', episodes: 12, duration: 24, averageScore: 61, popularity: 40000, genres: ['Comedy', 'Fantasy'], year: 2024 },
  { key: 'nastyTitle', romaji: NASTY_ROMAJI, english: '<img src=x onerror=alert(1)> *Nasty* ~~Title~~ @here', native: '<b>悪い</b>タイトル', format: 'TV', status: 'FINISHED', episodes: 13, duration: 24, averageScore: 50, popularity: 100, synonyms: ['</textarea><script>x</script>'], genres: ['Comedy'], year: 2022 },
  { key: 'upcoming', romaji: 'Mirai no Hanashi', english: 'A Story of the Future', native: '未来の話', format: 'TV', status: 'NOT_YET_RELEASED', episodes: null, duration: null, averageScore: null, popularity: 5000, genres: ['Slice of Life'], year: null },
  { key: 'adultAnimeA', romaji: 'Yoru no Himitsu', english: 'Secrets of the Night', native: '夜の秘密', format: 'OVA', status: 'FINISHED', episodes: 2, duration: 25, isAdult: true, averageScore: 55, popularity: 3000, genres: ['Hentai'], year: 2015 },
  { key: 'adultAnimeB', romaji: 'Otona no Jikan', english: null, native: '大人の時間', format: 'OVA', status: 'FINISHED', episodes: 3, duration: 20, isAdult: true, averageScore: 50, popularity: 2000, genres: ['Hentai'], year: 2012 },
  { key: 'himitsuGarden', romaji: 'Himitsu no Niwa', english: 'The Secret Garden', native: '秘密の庭', format: 'TV', status: 'FINISHED', episodes: 12, duration: 24, averageScore: 74, popularity: 20000, genres: ['Drama'], year: 2019 },
  { key: 'cowboyBebop', romaji: 'Cowboy Bebop', english: 'Cowboy Bebop', native: 'カウボーイビバップ', format: 'TV', status: 'FINISHED', episodes: 26, duration: 24, averageScore: 86, popularity: 400000, genres: ['Action', 'Sci-Fi'], year: 1998 },
  { key: 'madoka', romaji: 'Mahou Shoujo Madoka☆Magica', english: 'Puella Magi Madoka Magica', native: '魔法少女まどか☆マギカ', format: 'TV', status: 'FINISHED', episodes: 12, duration: 24, averageScore: 83, popularity: 350000, genres: ['Drama', 'Mahou Shoujo'], year: 2011 },
  { key: 'spiritedAway', romaji: 'Sen to Chihiro no Kamikakushi', english: 'Spirited Away', native: '千と千尋の神隠し', format: 'MOVIE', status: 'FINISHED', episodes: 1, duration: 125, averageScore: 86, popularity: 380000, genres: ['Adventure', 'Fantasy'], year: 2001 },
  { key: 'mushishi', romaji: 'Mushishi', english: 'Mushi-Shi', native: '蟲師', format: 'TV', status: 'FINISHED', episodes: 26, duration: 25, averageScore: 86, popularity: 150000, genres: ['Mystery', 'Slice of Life'], year: 2005 },
  { key: 'ovaShort', romaji: 'Chiisana Tabi', english: null, native: '小さな旅', format: 'OVA', status: 'FINISHED', episodes: 1, duration: 30, averageScore: 65, popularity: 900, genres: ['Adventure'], year: 2010 },
  { key: 'onaSeries', romaji: 'Net no Mukou', english: 'Beyond the Net', native: 'ネットの向こう', format: 'ONA', status: 'CANCELLED', episodes: 10, duration: 8, averageScore: 58, popularity: 1500, genres: ['Comedy'], year: 2018 },
  { key: 'bocchi', romaji: 'Bocchi the Rock!', english: 'BOCCHI THE ROCK!', native: 'ぼっち・ざ・ろっく！', format: 'TV', status: 'FINISHED', episodes: 12, duration: 23, averageScore: 88, popularity: 420000, genres: ['Comedy', 'Music'], year: 2022 },
  { key: 'berserk', romaji: 'Berserk', english: 'Berserk', native: 'ベルセルク', format: 'MANGA', status: 'RELEASING', chapters: null, volumes: null, averageScore: 93, popularity: 200000, genres: ['Action', 'Drama'], year: 1989, staff: [['Kentarou Miura', 'Story & Art'], ['Kouji Mori', 'Story']] },
  { key: 'yotsuba', romaji: 'Yotsuba to!', english: 'Yotsuba&!', native: 'よつばと！', format: 'MANGA', status: 'RELEASING', chapters: null, volumes: null, averageScore: 89, popularity: 60000, genres: ['Comedy'], year: 2003 },
  { key: 'punpun', romaji: 'Oyasumi Punpun', english: 'Goodnight Punpun', native: 'おやすみプンプン', format: 'MANGA', status: 'FINISHED', chapters: 147, volumes: 13, averageScore: 85, popularity: 110000, genres: ['Drama'], year: 2007 },
  { key: 'chainsawMan', romaji: 'Chainsaw Man', english: 'Chainsaw Man', native: 'チェンソーマン', format: 'MANGA', status: 'RELEASING', chapters: null, volumes: null, averageScore: 86, popularity: 150000, genres: ['Action'], year: 2018 },
  { key: 'vagabond', romaji: 'Vagabond', english: 'Vagabond', native: 'バガボンド', format: 'MANGA', status: 'HIATUS', chapters: 327, volumes: 37, averageScore: 90, popularity: 90000, genres: ['Action', 'Drama'], year: 1998 },
  { key: 'adultManga', romaji: 'Himitsu no Tobira', english: null, native: '秘密の扉', format: 'MANGA', status: 'FINISHED', chapters: 8, volumes: 1, isAdult: true, averageScore: 60, popularity: 1000, genres: ['Hentai'], year: 2014 },
  { key: 'hanaNoUta', romaji: 'Hana no Uta', english: null, native: '花の歌', format: 'MANGA', status: 'FINISHED', chapters: 24, volumes: 4, averageScore: 72, popularity: 2500, genres: ['Romance'], year: 2016 },
  { key: 'oneShot', romaji: 'Ichido Kiri', english: 'Just Once', native: '一度きり', format: 'ONE_SHOT', status: 'FINISHED', chapters: 1, volumes: 1, averageScore: 68, popularity: 700, genres: ['Drama'], year: 2020 },
  { key: 'lightNovel', romaji: 'Hoshi no Shosetsu', english: 'Novel of Stars', native: '星の小説', format: 'NOVEL', status: 'RELEASING', chapters: null, volumes: 5, averageScore: 71, popularity: 4000, genres: ['Fantasy'], year: 2019 },
  { key: 'frierenManga', romaji: 'Sousou no Frieren', english: "Frieren: Beyond Journey's End", native: '葬送のフリーレン', format: 'MANGA', status: 'RELEASING', chapters: null, volumes: null, averageScore: 89, popularity: 80000, genres: ['Adventure', 'Fantasy'], year: 2020, staff: [['Kanehito Yamada', 'Story'], ['Tsukasa Abe', 'Art'], ['Some Editor', 'Editing']] },
  { key: 'hunter', romaji: 'HUNTER×HUNTER', english: 'Hunter x Hunter', native: 'HUNTER×HUNTER', format: 'MANGA', status: 'HIATUS', chapters: null, volumes: 38, averageScore: 88, popularity: 120000, genres: ['Action', 'Adventure'], year: 1998 },
  { key: 'aotManga', romaji: 'Shingeki no Kyojin', english: 'Attack on Titan', native: '進撃の巨人', format: 'MANGA', status: 'FINISHED', chapters: 141, volumes: 34, averageScore: 84, popularity: 140000, genres: ['Action', 'Drama'], year: 2009 },
];

function coverFor(type: MediaType, id: number, color: string | null): FakeMedia['coverImage'] {
  const kind = type === 'ANIME' ? 'anime' : 'manga';
  const base = `https://s4.anilist.co/file/anilistcdn/media/${kind}/cover`;
  return {
    extraLarge: `${base}/large/bx${id}-fake.jpg`,
    large: `${base}/medium/bx${id}-fake.jpg`,
    medium: `${base}/small/bx${id}-fake.jpg`,
    color,
  };
}

function buildMedia(): FakeMedia[] {
  const out: FakeMedia[] = MEDIA_SPECS.map((s) => {
    const ref = SEED_MEDIA[s.key];
    return {
      id: ref.id,
      idMal: null,
      type: ref.type,
      format: s.format,
      status: s.status,
      episodes: ref.type === 'ANIME' ? (s.episodes ?? null) : null,
      duration: ref.type === 'ANIME' ? (s.duration ?? null) : null,
      chapters: ref.type === 'MANGA' ? (s.chapters ?? null) : null,
      volumes: ref.type === 'MANGA' ? (s.volumes ?? null) : null,
      isAdult: s.isAdult ?? false,
      title: { romaji: s.romaji, english: s.english, native: s.native },
      synonyms: s.synonyms ?? [],
      genres: s.genres ?? [],
      description: `Fake description of ${s.romaji}.<br>`,
      averageScore: s.averageScore ?? null,
      meanScore: s.averageScore ?? null,
      popularity: s.popularity ?? 1000,
      coverImage: coverFor(ref.type, ref.id, s.color ?? '#e4a15d'),
      bannerImage: null,
      countryOfOrigin: 'JP',
      seasonYear: s.year ?? null,
      ...(s.season ? { season: s.season } : {}),
      ...(s.studios ? { studios: s.studios.map((name, i) => ({ id: ref.id * 10 + i, name, isMain: true })) } : {}),
      ...(s.staff ? { staff: s.staff.map(([name, role], i) => ({ id: ref.id * 10 + i, name, role })) } : {}),
      ...(s.nextEpisode !== undefined ? { nextEpisode: s.nextEpisode } : {}),
    };
  });
  for (let i = 0; i < FILLER_MEDIA_COUNT; i++) {
    const id = FILLER_MEDIA_FIRST_ID + i;
    const n = i + 1;
    out.push({
      id,
      idMal: null,
      type: 'ANIME',
      format: i % 5 === 0 ? 'MOVIE' : 'TV',
      status: 'FINISHED',
      episodes: i % 5 === 0 ? 1 : 12 + (i % 3) * 12,
      duration: i % 5 === 0 ? 90 : 24,
      chapters: null,
      volumes: null,
      isAdult: false,
      title: { romaji: `Filler Sakuhin ${n}`, english: i % 2 === 0 ? `Filler Work ${n}` : null, native: `フィラー作品${n}` },
      synonyms: [],
      genres: ['Comedy'],
      description: null,
      averageScore: 50 + (i % 40),
      meanScore: 50 + (i % 40),
      popularity: 100 + i,
      coverImage: coverFor('ANIME', id, null),
      bannerImage: null,
      countryOfOrigin: 'JP',
      seasonYear: 2000 + (i % 25),
    });
  }
  return out;
}

function user(
  key: SeedUserKey,
  extra: { displayAdultContent?: boolean; private?: boolean; split?: boolean; animeCustomLists?: string[]; mangaCustomLists?: string[] },
): FakeUser {
  const u = SEED_USERS[key];
  return {
    id: u.id,
    name: u.name,
    about: null,
    private: extra.private ?? false,
    avatar: {
      large: `https://s4.anilist.co/file/anilistcdn/user/avatar/large/b${u.id}-fake.png`,
      medium: `https://s4.anilist.co/file/anilistcdn/user/avatar/medium/b${u.id}-fake.png`,
    },
    bannerImage: null,
    options: { titleLanguage: u.titleLanguage, displayAdultContent: extra.displayAdultContent ?? false, staffNameLanguage: 'ROMAJI_WESTERN' },
    mediaListOptions: {
      scoreFormat: u.scoreFormat,
      splitCompletedSectionByFormat: extra.split ?? false,
      animeCustomLists: extra.animeCustomLists ?? [],
      mangaCustomLists: extra.mangaCustomLists ?? [],
    },
    createdAt: SEED_EPOCH - 86400 * 1000,
    updatedAt: SEED_EPOCH - 86400 * 10,
  };
}

type EntrySpec = [mediaKey: SeedMediaKey | number, status: MediaListStatus, raw: number, progress: number, extra?: Partial<FakeMediaListEntry>];

const ENTRY_SPECS: Record<SeedUserKey, EntrySpec[]> = {
  alice: [
    ['frieren', 'COMPLETED', 95, 28],
    ['aot', 'COMPLETED', 83, 25],
    ['yourName', 'COMPLETED', 88, 1],
    ['onePiece', 'CURRENT', 0, 1050],
    ['apothecary', 'CURRENT', 87, 10],
    ['hoshizora', 'PLANNING', 0, 0],
    ['kagebousha', 'DROPPED', 40, 2],
    ['longTitle', 'PAUSED', 55, 4],
    ['nastyTitle', 'CURRENT', 30, 3],
    ['cowboyBebop', 'REPEATING', 100, 5, { repeat: 1 }],
    ['punpun', 'COMPLETED', 90, 147, { progressVolumes: 13 }],
    ['berserk', 'CURRENT', 97, 370, { progressVolumes: 41 }],
    ['yotsuba', 'PLANNING', 0, 0],
  ],
  bob: [], // generated below: every seed media + fillers
  carol: [
    ['frieren', 'CURRENT', 80, 12],
    ['bocchi', 'COMPLETED', 100, 12],
    ['madoka', 'COMPLETED', 60, 12],
    ['spiritedAway', 'PLANNING', 0, 0],
    ['chainsawMan', 'CURRENT', 40, 120],
    ['hanaNoUta', 'DROPPED', 20, 5],
  ],
  dave: [
    ['aot', 'COMPLETED', 85, 25],
    ['mushishi', 'PAUSED', 60, 10],
    ['onaSeries', 'DROPPED', 30, 3],
    ['vagabond', 'CURRENT', 0, 200],
  ],
  erin: [
    ['frieren', 'COMPLETED', 70, 28],
    ['hunter', 'PAUSED', 80, 390],
  ],
  frank: [],
  // Added after bob's generated entries (TASTE_ENTRY_SPECS), so the ids and dates of everyone else stay as they were.
  gina: [],
  hank: [],
};

/**
 * gina (POINT_10: raw/10) and hank (POINT_5: raw/20). Both scored the first 12 anime; on 0–100:
 *   gina 100 90 80 90 70 80 60 90 50 40 30 60
 *   hank 100 80 100 100 60 80 80 40 60 40 80 60
 * Filler ids: 3001+i, episodes 1 when i % 5 === 0 (a movie), else 12 + (i % 3) × 12; all Comedy.
 */
const TASTE_ENTRY_SPECS: Partial<Record<SeedUserKey, EntrySpec[]>> = {
  gina: [
    ['frieren', 'COMPLETED', 100, 28],
    ['aot', 'COMPLETED', 90, 25],
    ['yourName', 'COMPLETED', 80, 1],
    ['cowboyBebop', 'COMPLETED', 90, 26],
    ['madoka', 'COMPLETED', 70, 12],
    ['spiritedAway', 'COMPLETED', 80, 1],
    ['mushishi', 'COMPLETED', 60, 26],
    ['bocchi', 'COMPLETED', 90, 12],
    ['hoshizora', 'COMPLETED', 50, 12],
    ['himitsuGarden', 'COMPLETED', 40, 12],
    ['kagebousha', 'DROPPED', 30, 2],
    ['ovaShort', 'COMPLETED', 60, 1],
    // Favourites hank has under Planning (longTitle) or not at all (fillers 3001, 3002).
    ['longTitle', 'COMPLETED', 90, 12],
    [3001, 'COMPLETED', 80, 1],
    [3002, 'COMPLETED', 100, 24],
    // hank's entry for 3007 is private: no pair with it may ever be counted.
    [3007, 'COMPLETED', 100, 24],
    ['adultAnimeB', 'COMPLETED', 100, 3],
    ['nastyTitle', 'PLANNING', 0, 0],
    ['onaSeries', 'PLANNING', 0, 0],
    ['upcoming', 'PLANNING', 0, 0],
    ['adultAnimeA', 'PLANNING', 0, 0],
    [3004, 'PLANNING', 0, 0],
    [3005, 'PLANNING', 0, 0],
    ['apothecary', 'PLANNING', 0, 0],
    [3008, 'PLANNING', 0, 0, { private: true }],
  ],
  hank: [
    ['frieren', 'COMPLETED', 100, 28],
    ['aot', 'COMPLETED', 80, 25],
    ['yourName', 'COMPLETED', 100, 1],
    ['cowboyBebop', 'COMPLETED', 100, 26],
    ['madoka', 'COMPLETED', 60, 12],
    ['spiritedAway', 'COMPLETED', 80, 1],
    ['mushishi', 'CURRENT', 80, 20],
    ['bocchi', 'COMPLETED', 40, 12],
    ['hoshizora', 'COMPLETED', 60, 12],
    ['himitsuGarden', 'DROPPED', 40, 4],
    ['kagebousha', 'COMPLETED', 80, 6],
    ['ovaShort', 'COMPLETED', 60, 1],
    // Favourites gina has under Planning (nastyTitle) or not at all (filler 3003).
    ['nastyTitle', 'COMPLETED', 100, 13],
    [3003, 'COMPLETED', 80, 36],
    [3007, 'COMPLETED', 20, 24, { private: true }],
    ['adultAnimeB', 'COMPLETED', 20, 3],
    ['longTitle', 'PLANNING', 0, 0],
    ['onaSeries', 'PLANNING', 0, 0],
    ['adultAnimeA', 'PLANNING', 0, 0],
    [3005, 'PLANNING', 0, 0],
    [3006, 'PLANNING', 0, 0],
    ['apothecary', 'PLANNING', 0, 0],
    [3008, 'PLANNING', 0, 0],
  ],
};

function buildEntries(media: FakeMedia[]): FakeMediaListEntry[] {
  const entries: FakeMediaListEntry[] = [];
  let nextId = 500001;
  let tick = 0;
  const push = (userId: number, mediaId: number, status: MediaListStatus, raw: number, progress: number, extra: Partial<FakeMediaListEntry> = {}): void => {
    tick++;
    // Deliberately non-monotonic updatedAt so sorting bugs show up.
    const updatedAt = SEED_EPOCH - ((tick * 7919) % 500) * 3600;
    entries.push({
      id: nextId++,
      userId,
      mediaId,
      status,
      scoreRaw: raw,
      progress,
      progressVolumes: 0,
      repeat: 0,
      priority: 0,
      private: false,
      notes: null,
      hiddenFromStatusLists: false,
      customLists: [],
      startedAt: { year: null, month: null, day: null },
      completedAt: status === 'COMPLETED' ? { year: 2024, month: 1 + (tick % 12), day: 1 + (tick % 28) } : { year: null, month: null, day: null },
      createdAt: updatedAt - 86400 * 30,
      updatedAt,
      ...extra,
    });
  };
  for (const key of Object.keys(ENTRY_SPECS) as SeedUserKey[]) {
    const userId = SEED_USERS[key].id;
    for (const [mk, status, raw, progress, extra] of ENTRY_SPECS[key]) {
      const mediaId = typeof mk === 'number' ? mk : SEED_MEDIA[mk].id;
      push(userId, mediaId, status, raw, progress, extra);
    }
  }
  // bob: every media (72 entries) across all statuses, some in custom lists, some private/hidden.
  const statuses: MediaListStatus[] = ['COMPLETED', 'CURRENT', 'PLANNING', 'COMPLETED', 'DROPPED', 'PAUSED', 'COMPLETED', 'REPEATING'];
  media.forEach((m, i) => {
    const status = statuses[i % statuses.length] ?? 'COMPLETED';
    const total = m.type === 'ANIME' ? m.episodes : m.chapters;
    const progress = status === 'COMPLETED' ? (total ?? 10) : status === 'PLANNING' ? 0 : Math.max(1, Math.floor((total ?? 20) / 2));
    const raw = status === 'PLANNING' ? 0 : (i * 37) % 101;
    const extra: Partial<FakeMediaListEntry> = {};
    if (i % 9 === 0) extra.customLists = m.type === 'ANIME' ? ['Favourites'] : ['Manga Faves'];
    if (i % 17 === 5) {
      extra.customLists = m.type === 'ANIME' ? ['Favourites'] : ['Manga Faves'];
      extra.hiddenFromStatusLists = true;
    }
    if (i % 23 === 7) extra.private = true;
    if (m.type === 'MANGA') extra.progressVolumes = m.volumes ?? 3;
    push(SEED_USERS.bob.id, m.id, status, raw, progress, extra);
  });
  for (const [key, specs] of Object.entries(TASTE_ENTRY_SPECS) as [SeedUserKey, EntrySpec[]][]) {
    for (const [mk, status, raw, progress, extra] of specs) push(SEED_USERS[key].id, typeof mk === 'number' ? mk : SEED_MEDIA[mk].id, status, raw, progress, extra);
  }
  return entries;
}

/** A fresh deep copy of the default seed data. */
export function defaultSeed(): FakeAniListSeed {
  const media = buildMedia();
  const users: FakeUser[] = [
    user('alice', {}),
    user('bob', { displayAdultContent: true, split: true, animeCustomLists: ['Favourites'], mangaCustomLists: ['Manga Faves'] }),
    user('carol', {}),
    user('dave', {}),
    user('erin', { private: true }),
    user('frank', {}),
    user('gina', {}),
    user('hank', {}),
  ];
  return { users, media, entries: buildEntries(media) };
}
