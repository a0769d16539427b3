/**
 * Fake Discord gateway (v10, JSON encoding, optional zlib-stream / identify compression).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import { shardForGuild, guildCreatePayload, type FakeUser, type GuildState } from './fixtures.js';
import type { ChangeNotifier } from './waiter.js';

export interface GatewayPayload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  RequestSoundboardSounds: 31,
} as const;

/** Close codes after which the session can no longer be resumed. */
const SESSION_ENDING_CLOSE_CODES = new Set([1000, 1001, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

/** Privileged intents: GuildMembers, GuildPresences, MessageContent. */
export const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);
const ALL_INTENTS = (1 << 26) - 1;
const GUILDS_INTENT = 1 << 0;

/** Dispatches Discord sends only to sessions that identified with the Guilds intent. */
const GUILDS_INTENT_EVENTS = new Set([
  'GUILD_CREATE',
  'GUILD_UPDATE',
  'GUILD_DELETE',
  'GUILD_ROLE_CREATE',
  'GUILD_ROLE_UPDATE',
  'GUILD_ROLE_DELETE',
  'CHANNEL_CREATE',
  'CHANNEL_UPDATE',
  'CHANNEL_DELETE',
  'CHANNEL_PINS_UPDATE',
  'THREAD_CREATE',
  'THREAD_UPDATE',
  'THREAD_DELETE',
  'THREAD_LIST_SYNC',
  'THREAD_MEMBER_UPDATE',
  'THREAD_MEMBERS_UPDATE',
  'STAGE_INSTANCE_CREATE',
  'STAGE_INSTANCE_UPDATE',
  'STAGE_INSTANCE_DELETE',
]);

export interface GatewaySessionInfo {
  sessionId: string;
  shard: [number, number];
  seq: number;
  intents: number;
  connected: boolean;
  invalidated: boolean;
  identifyProperties: unknown;
}

interface Session {
  id: string;
  shard: [number, number];
  seq: number;
  events: GatewayPayload[];
  conn: Connection | undefined;
  intents: number;
  invalidated: boolean;
  properties: unknown;
}

interface Connection {
  id: number;
  ws: WebSocket;
  path: string;
  session: Session | undefined;
  zlibStream: zlib.Deflate | undefined;
  identifyCompress: boolean;
  heartbeatTimer: NodeJS.Timeout | undefined;
  received: number[];
  sendChain: Promise<void>;
  lastHeartbeatSeq: number | null | undefined;
}

export interface GatewayConfig {
  token: string;
  heartbeatIntervalMs: number;
  enforceHeartbeat: boolean;
  privilegedIntents: number;
  botUser: FakeUser;
  applicationId: string;
  applicationFlags: number;
  guilds: () => GuildState[];
  resumeUrl: () => string;
  notifier: ChangeNotifier;
  /** Max stored dispatches per session for replay on RESUME. */
  replayBufferSize?: number;
}

export class FakeGateway {
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  readonly sessions = new Map<string, Session>();
  private readonly conns = new Set<Connection>();
  private nextConnId = 1;
  connectionCount = 0;
  identifyCount = 0;
  resumeCount = 0;
  readyCount = 0;
  /** Every payload received from clients (for assertions). */
  readonly received: { connectionId: number; payload: unknown; at: number }[] = [];
  /** Close codes the fake or the client used, in order. */
  readonly closes: { connectionId: number; code: number; by: 'server' | 'client' }[] = [];

  constructor(private readonly cfg: GatewayConfig) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/gateway' && url.pathname !== '/resume-gateway') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  private onConnection(ws: WebSocket, url: URL): void {
    const conn: Connection = {
      id: this.nextConnId++,
      ws,
      path: url.pathname,
      session: undefined,
      zlibStream: undefined,
      identifyCompress: false,
      heartbeatTimer: undefined,
      received: [],
      sendChain: Promise.resolve(),
      lastHeartbeatSeq: undefined,
    };
    this.conns.add(conn);
    this.connectionCount++;
    ws.on('close', (code) => {
      this.conns.delete(conn);
      if (conn.heartbeatTimer) clearTimeout(conn.heartbeatTimer);
      conn.zlibStream?.close();
      if (!this.closes.some((c) => c.connectionId === conn.id)) this.closes.push({ connectionId: conn.id, code, by: 'client' });
      const s = conn.session;
      if (s && s.conn === conn) {
        s.conn = undefined;
        if (code === 1000 || code === 1001) s.invalidated = true;
      }
      this.cfg.notifier.notify();
    });
    ws.on('error', () => {
      /* client went away; 'close' follows */
    });
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));

    const v = url.searchParams.get('v');
    const encoding = url.searchParams.get('encoding') ?? 'json';
    const compress = url.searchParams.get('compress');
    if (v !== null && v !== '10') {
      this.closeConn(conn, 4012, 'Invalid API version.');
      return;
    }
    if (encoding !== 'json') {
      this.closeConn(conn, 4002, 'Only JSON encoding is supported by the fake.');
      return;
    }
    if (compress !== null) {
      if (compress !== 'zlib-stream') {
        this.closeConn(conn, 4002, 'Invalid compression.');
        return;
      }
      conn.zlibStream = zlib.createDeflate({ chunkSize: 65535 });
    }
    this.send(conn, { op: Op.Hello, d: { heartbeat_interval: this.cfg.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] }, s: null, t: null });
    this.armHeartbeatTimer(conn, this.cfg.heartbeatIntervalMs * 1.25 + 1000);
    this.cfg.notifier.notify();
  }

  private armHeartbeatTimer(conn: Connection, ms: number): void {
    if (!this.cfg.enforceHeartbeat) return;
    if (conn.heartbeatTimer) clearTimeout(conn.heartbeatTimer);
    conn.heartbeatTimer = setTimeout(() => this.closeConn(conn, 4009, 'Session timed out (no heartbeat).'), ms);
    conn.heartbeatTimer.unref();
  }

  private send(conn: Connection, payload: GatewayPayload): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(payload);
    const z = conn.zlibStream;
    if (z) {
      conn.sendChain = conn.sendChain.then(
        () =>
          new Promise<void>((resolve) => {
            const chunks: Buffer[] = [];
            const onData = (c: Buffer): void => {
              chunks.push(c);
            };
            z.on('data', onData);
            z.write(text);
            z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              z.off('data', onData);
              if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(Buffer.concat(chunks));
              resolve();
            });
          }),
      );
      return;
    }
    if (conn.identifyCompress) {
      conn.ws.send(zlib.deflateSync(text));
      return;
    }
    conn.ws.send(text);
  }

  private closeConn(conn: Connection, code: number, reason: string): void {
    this.closes.push({ connectionId: conn.id, code, by: 'server' });
    if (SESSION_ENDING_CLOSE_CODES.has(code) && conn.session) conn.session.invalidated = true;
    if (conn.heartbeatTimer) clearTimeout(conn.heartbeatTimer);
    if (conn.ws.readyState === WebSocket.OPEN || conn.ws.readyState === WebSocket.CONNECTING) conn.ws.close(code, reason);
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    conn.received = conn.received.filter((t) => now - t < 60_000);
    conn.received.push(now);
    if (conn.received.length > 120) {
      this.closeConn(conn, 4008, 'Rate limited.');
      return;
    }
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary || buf.length > 4096) {
      this.closeConn(conn, 4002, 'Error while decoding payload.');
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(buf.toString('utf8'));
    } catch {
      this.closeConn(conn, 4002, 'Error while decoding payload.');
      return;
    }
    this.received.push({ connectionId: conn.id, payload, at: now });
    if (typeof payload !== 'object' || payload === null || typeof (payload as { op?: unknown }).op !== 'number') {
      this.closeConn(conn, 4002, 'Error while decoding payload.');
      return;
    }
    const { op, d } = payload as { op: number; d: unknown };
    switch (op) {
      case Op.Heartbeat:
        if (d !== null && typeof d !== 'number') {
          this.closeConn(conn, 4002, 'Error while decoding payload.');
          return;
        }
        conn.lastHeartbeatSeq = d;
        this.send(conn, { op: Op.HeartbeatAck, d: null, s: null, t: null });
        this.armHeartbeatTimer(conn, this.cfg.heartbeatIntervalMs * 1.25 + 1000);
        break;
      case Op.Identify:
        this.onIdentify(conn, d);
        break;
      case Op.Resume:
        this.onResume(conn, d);
        break;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
      case Op.RequestSoundboardSounds:
        if (!conn.session) this.closeConn(conn, 4003, 'Not authenticated.');
        break;
      default:
        this.closeConn(conn, 4001, 'Unknown opcode.');
    }
    this.cfg.notifier.notify();
  }

  private onIdentify(conn: Connection, d: unknown): void {
    if (conn.session) {
      this.closeConn(conn, 4005, 'Already authenticated.');
      return;
    }
    const body = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
    if (typeof body.token !== 'string' || typeof body.properties !== 'object' || body.properties === null) {
      this.closeConn(conn, 4002, 'Error while decoding payload.');
      return;
    }
    const token = body.token.replace(/^Bot /, '');
    if (token !== this.cfg.token) {
      this.closeConn(conn, 4004, 'Authentication failed.');
      return;
    }
    const intents = body.intents;
    if (typeof intents !== 'number' || !Number.isInteger(intents) || intents < 0 || intents > ALL_INTENTS) {
      this.closeConn(conn, 4013, 'Invalid intent(s).');
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.cfg.privilegedIntents) !== 0) {
      this.closeConn(conn, 4014, 'Disallowed intent(s).');
      return;
    }
    let shard: [number, number] = [0, 1];
    if (body.shard !== undefined && body.shard !== null) {
      const s = body.shard;
      if (
        !Array.isArray(s) ||
        s.length !== 2 ||
        !Number.isInteger(s[0]) ||
        !Number.isInteger(s[1]) ||
        (s[1] as number) < 1 ||
        (s[0] as number) < 0 ||
        (s[0] as number) >= (s[1] as number)
      ) {
        this.closeConn(conn, 4010, 'Invalid shard.');
        return;
      }
      shard = [s[0] as number, s[1] as number];
    }
    conn.identifyCompress = body.compress === true && !conn.zlibStream;
    this.identifyCount++;
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      shard,
      seq: 0,
      events: [],
      conn,
      intents,
      invalidated: false,
      properties: body.properties,
    };
    this.sessions.set(session.id, session);
    conn.session = session;
    const guilds = this.guildsForShard(shard);
    this.dispatchTo(session, 'READY', {
      v: 10,
      user_settings: {},
      user: { ...this.cfg.botUser, verified: true, mfa_enabled: false, email: null, bot: true },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.cfg.resumeUrl(),
      ...(body.shard !== undefined && body.shard !== null ? { shard } : {}),
      application: { id: this.cfg.applicationId, flags: this.cfg.applicationFlags },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['fake'],
      auth: {},
      _trace: ['["fake-gateway",{"micros":0}]'],
    });
    this.readyCount++;
    if ((intents & GUILDS_INTENT) !== 0) {
      for (const g of guilds) this.dispatchTo(session, 'GUILD_CREATE', guildCreatePayload(g, this.cfg.botUser));
    }
  }

  private onResume(conn: Connection, d: unknown): void {
    if (conn.session) {
      this.closeConn(conn, 4005, 'Already authenticated.');
      return;
    }
    const body = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
    if (typeof body.token !== 'string' || typeof body.session_id !== 'string') {
      this.closeConn(conn, 4002, 'Error while decoding payload.');
      return;
    }
    if (body.token.replace(/^Bot /, '') !== this.cfg.token) {
      this.closeConn(conn, 4004, 'Authentication failed.');
      return;
    }
    const session = this.sessions.get(body.session_id);
    if (!session || session.invalidated) {
      this.send(conn, { op: Op.InvalidSession, d: false, s: null, t: null });
      return;
    }
    const seq = body.seq;
    if (seq !== null && (typeof seq !== 'number' || seq > session.seq || seq < 0)) {
      this.closeConn(conn, 4007, 'Invalid seq.');
      return;
    }
    const from = typeof seq === 'number' ? seq : 0;
    const oldest = session.events[0]?.s ?? session.seq + 1;
    if (from + 1 < oldest) {
      // Events were dropped from the replay buffer; Discord would refuse the resume.
      this.send(conn, { op: Op.InvalidSession, d: false, s: null, t: null });
      session.invalidated = true;
      return;
    }
    const previous = session.conn;
    if (previous && previous !== conn) {
      previous.session = undefined;
      this.closeConn(previous, 4000, 'Session resumed elsewhere.');
    }
    session.conn = conn;
    conn.session = session;
    this.resumeCount++;
    for (const ev of session.events) if (ev.s !== null && ev.s > from) this.send(conn, ev);
    this.dispatchTo(session, 'RESUMED', { _trace: ['["fake-gateway",{"micros":0}]'] });
  }

  guildsForShard(shard: [number, number]): GuildState[] {
    return this.cfg.guilds().filter((g) => shardForGuild(g.id, shard[1]) === shard[0]);
  }

  private dispatchTo(session: Session, t: string, d: unknown): void {
    session.seq++;
    const payload: GatewayPayload = { op: Op.Dispatch, t, s: session.seq, d };
    session.events.push(payload);
    const max = this.cfg.replayBufferSize ?? 1000;
    if (session.events.length > max) session.events.splice(0, session.events.length - max);
    if (session.conn) this.send(session.conn, payload);
    this.cfg.notifier.notify();
  }

  /** Live (resumable) sessions responsible for a guild, or for DMs (shard 0) when guildId is null. */
  sessionsFor(guildId: string | null): Session[] {
    return [...this.sessions.values()].filter(
      (s) => !s.invalidated && (guildId === null ? s.shard[0] === 0 : shardForGuild(guildId, s.shard[1]) === s.shard[0]),
    );
  }

  /**
   * Dispatch an event to the shard(s) responsible for `guildId` (null → shard 0), skipping guild and channel events
   * for sessions without the Guilds intent, as Discord does. Returns the number of sessions reached.
   */
  dispatch(t: string, d: unknown, guildId: string | null): number {
    const targets = this.sessionsFor(guildId).filter((s) => !GUILDS_INTENT_EVENTS.has(t) || (s.intents & GUILDS_INTENT) !== 0);
    for (const s of targets) this.dispatchTo(s, t, d);
    return targets.length;
  }

  /** Close every open socket with `code`; session-ending codes also invalidate the sessions. */
  closeAll(code: number, reason = 'Closed by test'): void {
    for (const c of [...this.conns]) this.closeConn(c, code, reason);
  }

  /** Send op 7 RECONNECT to every connection. */
  requestReconnect(): void {
    for (const c of this.conns) this.send(c, { op: Op.Reconnect, d: null, s: null, t: null });
  }

  /** Send op 9 INVALID_SESSION (`resumable` flag) to every connection, invalidating sessions when not resumable. */
  invalidateSessions(resumable = false): void {
    for (const c of this.conns) {
      if (!resumable && c.session) c.session.invalidated = true;
      this.send(c, { op: Op.InvalidSession, d: resumable, s: null, t: null });
    }
  }

  sessionInfo(): GatewaySessionInfo[] {
    return [...this.sessions.values()].map((s) => ({
      sessionId: s.id,
      shard: s.shard,
      seq: s.seq,
      intents: s.intents,
      connected: s.conn !== undefined,
      invalidated: s.invalidated,
      identifyProperties: s.properties,
    }));
  }

  get openConnections(): number {
    return this.conns.size;
  }

  async close(): Promise<void> {
    for (const c of [...this.conns]) {
      if (c.heartbeatTimer) clearTimeout(c.heartbeatTimer);
      c.zlibStream?.close();
      c.ws.terminate();
    }
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
