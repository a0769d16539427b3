/**
 * Everything the playground needs behind it: the fake Discord and fake AniList (in this process), the real bot
 * (a child process, built as for `npm start`) configured only through its environment, a temporary database and
 * a fresh key, and two members linked up front.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CLIENT_SECRET, startFakeAniList, type FakeAniList } from '../fakes/anilist/index.js';
import { DEFAULT_DISCORD_CLIENT_SECRET, startFakeDiscord, type FakeDiscord } from '../fakes/discord/index.js';
import { describeExit, startBotProcess, type BotProcess } from './bot-process.js';
import { DEMO_MEMBERS, PRELINKED_MEMBERS, findMember, type DemoMember, type MemberKey } from './members.js';
import { freeLoopbackPort } from './ports.js';
import { prelinkMember, type SignInPage } from './prelink.js';

/** AniList's documented budget for the whole bot, here for the bot's limiter and the fake alike. */
export const ANILIST_BUDGET_PER_MINUTE = 30;
const STARTUP_TIMEOUT_MS = 30_000;
const BOT_STOP_GRACE_MS = 5_000;

/** Things to undo, newest first; filled as the demo starts so a Ctrl-C during start-up cleans up too. */
export interface Cleanup {
  add(name: string, undo: () => Promise<void> | void): void;
  /** For the last moment of the process, when nothing asynchronous runs any more. */
  addAtExit(undo: () => void): void;
  run(): Promise<void>;
  runAtExit(): void;
}

export function createCleanup(): Cleanup {
  const steps: { name: string; undo: () => Promise<void> | void }[] = [];
  const atExit: (() => void)[] = [];
  return {
    add: (name, undo) => void steps.push({ name, undo }),
    addAtExit: (undo) => void atExit.push(undo),
    async run() {
      for (const step of steps.splice(0).reverse()) {
        try {
          await step.undo();
        } catch (error) {
          process.stderr.write(`anilink demo: could not ${step.name}: ${(error as Error).message}\n`);
        }
      }
    },
    runAtExit() {
      for (const undo of atExit.splice(0).reverse()) undo();
    },
  };
}

export class DemoStartupError extends Error {
  constructor(
    message: string,
    readonly botOutput?: string,
  ) {
    super(message);
    this.name = 'DemoStartupError';
  }
}

export interface DemoWorld {
  discord: FakeDiscord;
  anilist: FakeAniList;
  bot: BotProcess;
  botUrl: string;
  signInAs: (member: DemoMember) => void;
  prelinked: { member: MemberKey; problem?: string }[];
}

export interface BotEnvironmentInput {
  discord: FakeDiscord;
  anilist: FakeAniList;
  botPort: number;
  databasePath: string;
}

/** The bot's whole configuration: the fakes' addresses, a loopback port, a temporary database and a fresh key. */
export function botEnvironment({ discord, anilist, botPort, databasePath }: BotEnvironmentInput): Record<string, string> {
  return {
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    // Members sign in with the fake Discord before the fake AniList.
    DISCORD_OAUTH_URL: discord.oauth.oauthUrl,
    DISCORD_CLIENT_SECRET: DEFAULT_DISCORD_CLIENT_SECRET,
    ANILIST_CLIENT_ID: anilist.clientId,
    ANILIST_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    ANILIST_OAUTH_URL: anilist.oauthUrl,
    ANILIST_API_URL: anilist.graphqlUrl,
    ANILIST_RATE_LIMIT_PER_MINUTE: String(ANILIST_BUDGET_PER_MINUTE),
    PUBLIC_URL: `http://127.0.0.1:${botPort}`,
    HOST: '127.0.0.1',
    PORT: String(botPort),
    DATABASE_PATH: databasePath,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    METRICS: 'false',
  };
}

/** A made-up bot token in Discord's shape, known only to this demo's fake Discord and bot. */
function demoBotToken(): string {
  return ['demo', randomBytes(12).toString('base64url'), randomBytes(24).toString('base64url')].join('.');
}

export async function startDemoWorld({ projectRoot, cleanup }: { projectRoot: string; cleanup: Cleanup }): Promise<DemoWorld> {
  const mainJs = join(projectRoot, 'dist', 'src', 'main.js');
  if (!existsSync(mainJs)) throw new DemoStartupError(`${mainJs} is missing: run the demo with \`npm run demo\`, which builds the bot first.`);

  const dir = mkdtempSync(join(tmpdir(), 'anilink-demo-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  cleanup.addAtExit(removeDir);
  cleanup.add('remove the temporary database', removeDir);

  const discord = await startFakeDiscord({ token: demoBotToken(), guilds: [{ name: 'anilink demo' }] });
  cleanup.add('stop the fake Discord', () => discord.close());
  const botPort = await freeLoopbackPort();
  const botUrl = `http://127.0.0.1:${botPort}`;
  discord.oauth.addRedirectUri(`${botUrl}/oauth/discord/callback`);
  const anilist = await startFakeAniList({
    redirectUri: `${botUrl}/oauth/callback`,
    rateLimitPerMinute: ANILIST_BUDGET_PER_MINUTE,
    loggedInUserId: null,
  });
  cleanup.add('stop the fake AniList', () => anilist.close());

  const env = botEnvironment({ discord, anilist, botPort, databasePath: join(dir, 'anilink.sqlite') });
  // In the temporary directory, so a `.env` of a real set-up in the repository is never read.
  const bot = startBotProcess({ mainJs, env, cwd: dir });
  cleanup.addAtExit(() => bot.killNow());
  cleanup.add('stop the bot', async () => void (await bot.stop(BOT_STOP_GRACE_MS)));

  try {
    await bot.waitForHealthy(`${botUrl}/healthz`, STARTUP_TIMEOUT_MS);
    await whileBotRuns(bot, discord.waitForReady(1, STARTUP_TIMEOUT_MS));
    await whileBotRuns(bot, waitForCommands(discord, STARTUP_TIMEOUT_MS));
  } catch (error) {
    const why = bot.exit ? `the bot stopped while starting (${describeExit(bot.exit)})` : (error as Error).message;
    throw new DemoStartupError(why, bot.outputTail());
  }

  // Every fake sign-in page the start page can lead to: who is signed in there, and its approve button. The member
  // you act as is signed in to both fakes, as in a browser where you are logged in to Discord and AniList.
  const signInAs = (member: DemoMember) => {
    discord.oauth.setLoggedInUser(member.discordUser.id);
    anilist.setLoggedInUser(member.anilistUserId);
  };
  const signInPages: SignInPage[] = [
    { matches: (url) => url.startsWith(`${discord.oauth.oauthUrl}/authorize`), approve: (url) => discord.oauth.approve(url) },
    { matches: (url) => url.startsWith(`${anilist.oauthUrl}/authorize`), approve: (url) => anilist.approve(url) },
  ];
  const prelinked: DemoWorld['prelinked'] = [];
  for (const key of PRELINKED_MEMBERS) {
    const member = findMember(key)!;
    try {
      await prelinkMember({ discord, botUrl, signInPages, signInAs }, member);
      prelinked.push({ member: key });
    } catch (error) {
      // The playground still works; it says which member is not linked and why.
      prelinked.push({ member: key, problem: (error as Error).message });
    }
  }
  signInAs(DEMO_MEMBERS[0]!);
  return { discord, anilist, bot, botUrl, signInAs, prelinked };
}

/** `waiting`, unless the bot exits first. */
async function whileBotRuns<T>(bot: BotProcess, waiting: Promise<T>): Promise<T> {
  const stopped = bot.exited.then((exit): never => {
    throw new Error(`the bot stopped while starting (${describeExit(exit)})`);
  });
  // The bot exits one day in any case; only a race still running may hear of it.
  stopped.catch(() => undefined);
  return Promise.race([waiting, stopped]);
}

function waitForCommands(discord: FakeDiscord, timeoutMs: number): Promise<void> {
  const registered = () => {
    const { global, guilds } = discord.registeredCommands;
    return global.length > 0 || Object.values(guilds).some((commands) => commands.length > 0);
  };
  return new Promise((resolve, reject) => {
    if (registered()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`the bot registered no slash commands within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const unsubscribe = discord.onChange(() => {
      if (!registered()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
