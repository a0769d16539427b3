/**
 * Both fakes as one standalone process, for a bot that runs outside the test process (a container with
 * `--network host`, a demo, a manual try):
 *
 *   npx tsx fakes/serve.ts --public-url http://127.0.0.1:3000 [--discord-port 4100] [--anilist-port 4200]
 *
 * Prints one JSON line with the fakes' URLs and the environment the bot needs to use them, then serves until
 * SIGTERM or SIGINT.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_CLIENT_SECRET, startFakeAniList } from './anilist/index.js';
import { startFakeDiscord } from './discord/index.js';

const { values } = parseArgs({
  options: {
    'public-url': { type: 'string' },
    'discord-port': { type: 'string', default: '0' },
    'anilist-port': { type: 'string', default: '0' },
    'discord-token': { type: 'string' },
  },
});
const publicUrl = values['public-url'];
if (!publicUrl) {
  process.stderr.write('usage: tsx fakes/serve.ts --public-url <the bot PUBLIC_URL> [--discord-port N] [--anilist-port N] [--discord-token T]\n');
  process.exit(2);
}

const discordToken = values['discord-token'] ?? `fake.${randomBytes(12).toString('base64url')}.token`;
const discord = await startFakeDiscord({ token: discordToken, port: Number(values['discord-port']) });
const anilist = await startFakeAniList({ port: Number(values['anilist-port']), redirectUri: `${new URL(publicUrl).origin}/oauth/callback` });

process.stdout.write(
  `${JSON.stringify({
    discord: { apiUrl: discord.apiUrl, gatewayUrl: discord.gatewayUrl },
    anilist: { oauthUrl: anilist.oauthUrl, graphqlUrl: anilist.graphqlUrl },
    env: {
      DISCORD_TOKEN: discordToken,
      DISCORD_API_URL: discord.apiUrl,
      ANILIST_CLIENT_ID: anilist.clientId,
      ANILIST_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      ANILIST_OAUTH_URL: anilist.oauthUrl,
      ANILIST_API_URL: anilist.graphqlUrl,
      PUBLIC_URL: publicUrl,
    },
  })}\n`,
);

let closing = false;
const close = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  await Promise.all([discord.close(), anilist.close()]);
  process.exit(0);
};
process.on('SIGTERM', () => void close());
process.on('SIGINT', () => void close());
