/**
 * `npm run demo`: the real bot against the fake Discord and fake AniList, and a playground page to use it as a
 * member would. Prints one URL; Ctrl-C stops everything.
 *
 *   npm run demo                 # any free port
 *   npm run demo -- --port 8080
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeExit } from './bot-process.js';
import { createCleanup, DemoStartupError, startDemoWorld, ANILIST_BUDGET_PER_MINUTE } from './demo.js';
import { createFeed } from './feed.js';
import { buildPlaygroundServer } from './playground-server.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** After this, whatever still runs is killed: Ctrl-C must never leave the terminal waiting. */
const STOP_DEADLINE_MS = 8_000;

function fail(message: string): never {
  process.stderr.write(`anilink demo: ${message}\n`);
  process.exit(2);
}

function readPort(): number {
  let values: { port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    fail(`${(error as Error).message}. Usage: npm run demo [-- --port <port>]`);
  }
  if (values.help) {
    process.stdout.write('Usage: npm run demo [-- --port <port>]\nStarts the bot against fake Discord and AniList, and prints the playground URL.\n');
    process.exit(0);
  }
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (0 to 65535), not "${values.port}".`);
  return port;
}

async function main(): Promise<void> {
  const port = readPort();
  const cleanup = createCleanup();
  let stopping: Promise<void> | undefined;

  const stop = (exitCode: number): Promise<void> => {
    stopping ??= (async () => {
      setTimeout(() => {
        cleanup.runAtExit();
        process.exit(exitCode || 1);
      }, STOP_DEADLINE_MS).unref();
      await cleanup.run();
      process.exit(exitCode);
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C does not wait for anything.
      if (stopping) {
        cleanup.runAtExit();
        process.exit(130);
      }
      void stop(0);
    });
  }
  process.on('exit', () => cleanup.runAtExit());

  let world;
  try {
    world = await startDemoWorld({ projectRoot: PROJECT_ROOT, cleanup });
  } catch (error) {
    if (stopping) return;
    const output = error instanceof DemoStartupError && error.botOutput ? `\nThe bot's last output:\n${error.botOutput}` : '';
    process.stderr.write(`anilink demo could not start: ${(error as Error).message}${output}\n`);
    await stop(1);
    return;
  }
  if (stopping) return;

  const { discord, anilist, bot, botUrl, signInAs, prelinked } = world;
  const feed = createFeed({ discord, anilist, budgetPerMinute: ANILIST_BUDGET_PER_MINUTE, now: Date.now });
  const playground = await buildPlaygroundServer({
    discord,
    anilist,
    feed,
    signInAs,
    services: { bot: botUrl, discord: discord.apiUrl, anilist: anilist.baseUrl },
    prelinked,
    budgetPerMinute: ANILIST_BUDGET_PER_MINUTE,
  });
  cleanup.add('stop the playground', () => playground.close());
  try {
    await playground.listen({ host: '127.0.0.1', port });
  } catch (error) {
    process.stderr.write(`anilink demo could not listen on 127.0.0.1:${port}: ${(error as Error).message}. Pick another with --port.\n`);
    await stop(1);
    return;
  }

  void bot.exited.then(async (exit) => {
    if (stopping) return;
    process.stderr.write(`anilink demo: the bot stopped unexpectedly (${describeExit(exit)}). Its last output:\n${bot.outputTail()}\n`);
    await stop(1);
  });

  const address = playground.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`anilink demo: open http://127.0.0.1:${actualPort}/ in your browser\nCtrl-C to stop.\n`);
}

await main();
