import type { FakeAiringEpisode, FakeAniListSeed, FakeMedia, FakeMediaListEntry, FakeNotification, FakeUser, MediaType, NewFakeNotification } from './types.js';

export interface StoredAuthCode {
  code: string;
  clientId: string;
  userId: number;
  redirectUri: string;
  /** ms */
  expiresAt: number;
  used: boolean;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
}

export interface StoredToken {
  jti: string;
  userId: number;
  clientId: string;
  /** unix seconds */
  issuedAt: number;
  /** unix seconds */
  expiresAt: number;
  revoked: boolean;
}

/** In-memory AniList data. Tests may read and mutate it directly. */
export class FakeAniListStore {
  readonly users = new Map<number, FakeUser>();
  readonly media = new Map<number, FakeMedia>();
  readonly entries = new Map<number, FakeMediaListEntry>();
  /** OAuth authorization codes by code string. */
  readonly authCodes = new Map<string, StoredAuthCode>();
  /** Issued access tokens by JWT id. */
  readonly tokens = new Map<string, StoredToken>();
  nextEntryId: number;
  /** Every user's notifications, by id. */
  readonly notifications = new Map<number, FakeNotification>();
  nextNotificationId = 3_000_001;
  /** Per user: the newest notification id when their unread count was last reset (reading with resetNotificationCount). */
  readonly notificationsReadUpTo = new Map<number, number>();
  /** Airing schedules set by tests (fake.setAiringSchedule), by media id; other RELEASING anime derive theirs (airing.ts). */
  readonly airingSchedules = new Map<number, FakeAiringEpisode[]>();
  /** Unix seconds the derived airing schedules are anchored to: when the fake started. */
  airingAnchorS = Math.floor(Date.now() / 1000);

  constructor(seed: FakeAniListSeed) {
    for (const u of seed.users) this.users.set(u.id, structuredClone(u));
    for (const m of seed.media) this.media.set(m.id, structuredClone(m));
    let maxId = 0;
    for (const e of seed.entries) {
      this.entries.set(e.id, structuredClone(e));
      maxId = Math.max(maxId, e.id);
    }
    this.nextEntryId = Math.max(maxId + 1, 900001);
  }

  getUser(id: number): FakeUser | undefined {
    return this.users.get(id);
  }

  /** Case-insensitive, like AniList. */
  getUserByName(name: string): FakeUser | undefined {
    const lower = name.toLowerCase();
    for (const u of this.users.values()) if (u.name.toLowerCase() === lower) return u;
    return undefined;
  }

  getMedia(id: number): FakeMedia | undefined {
    return this.media.get(id);
  }

  /** All entries of a user, optionally of one media type. */
  entriesOf(userId: number, type?: MediaType): FakeMediaListEntry[] {
    const out: FakeMediaListEntry[] = [];
    for (const e of this.entries.values()) {
      if (e.userId !== userId) continue;
      if (type !== undefined && this.media.get(e.mediaId)?.type !== type) continue;
      out.push(e);
    }
    return out;
  }

  findEntry(userId: number, mediaId: number): FakeMediaListEntry | undefined {
    for (const e of this.entries.values()) if (e.userId === userId && e.mediaId === mediaId) return e;
    return undefined;
  }

  /** Insert an entry (id assigned when omitted). Timestamps are unix seconds. */
  addEntry(
    partial: Pick<FakeMediaListEntry, 'userId' | 'mediaId'> & Partial<FakeMediaListEntry>,
    nowSeconds = Math.floor(Date.now() / 1000),
  ): FakeMediaListEntry {
    const id = partial.id ?? this.nextEntryId++;
    const entry: FakeMediaListEntry = {
      status: 'CURRENT',
      scoreRaw: 0,
      progress: 0,
      progressVolumes: 0,
      repeat: 0,
      priority: 0,
      private: false,
      notes: null,
      hiddenFromStatusLists: false,
      customLists: [],
      startedAt: { year: null, month: null, day: null },
      completedAt: { year: null, month: null, day: null },
      createdAt: nowSeconds,
      updatedAt: nowSeconds,
      ...partial,
      id,
    };
    this.entries.set(id, entry);
    return entry;
  }

  deleteEntry(id: number): boolean {
    return this.entries.delete(id);
  }

  /** Puts a notification in `recipientId`'s inbox with the next id. */
  addNotification(recipientId: number, notification: NewFakeNotification, nowSeconds = Math.floor(Date.now() / 1000)): FakeNotification {
    const stored: FakeNotification = { ...notification, createdAt: notification.createdAt ?? nowSeconds, id: this.nextNotificationId++, recipientId };
    this.notifications.set(stored.id, stored);
    return stored;
  }

  /** A user's notifications, newest first (the only order AniList offers). */
  notificationsOf(userId: number): FakeNotification[] {
    return [...this.notifications.values()].filter((n) => n.recipientId === userId).sort((a, b) => b.id - a.id);
  }

  /** What anilist.co shows on the bell: notifications newer than the last reset. */
  unreadNotificationCount(userId: number): number {
    const readUpTo = this.notificationsReadUpTo.get(userId) ?? 0;
    return this.notificationsOf(userId).filter((n) => n.id > readUpTo).length;
  }

  markNotificationsRead(userId: number): void {
    const newest = this.notificationsOf(userId)[0];
    if (newest) this.notificationsReadUpTo.set(userId, newest.id);
  }
}
