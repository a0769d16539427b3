/**
 * Reference bots: plain discord.js with DEFAULT caches, no database, no web server. With REF_INTENTS=guilds (the
 * default) `new Client({ intents: [Guilds] })`, what most bots run; with REF_INTENTS=none no intent at all (a bare
 * login's floor). Usage: node ref-bot.js <mode>  (env DISCORD_API_URL, DISCORD_TOKEN, REF_WORK_MS, REF_INTENTS)
 *   idle   — log in, stay connected and answer every chat-input command with an ephemeral reply, like the bot
 *            does for a command it does not know (memory reference: same REST work per interaction)
 *   defer  — defer every chat-input command at once, edit the reply after REF_WORK_MS (deadline reference: the
 *            same work time as the AniList call, without any rate limiting)
 *   login  — log in, print READY and exit (cold-start reference)
 * Sends `{ type: 'ready', guilds }` over IPC (if any) on ClientReady.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';

const mode = process.argv[2] ?? 'idle';
const workMs = Number(process.env.REF_WORK_MS ?? 1500);
const intents = process.env.REF_INTENTS === 'none' ? [] : [GatewayIntentBits.Guilds];
const client = new Client({ intents, rest: { api: process.env.DISCORD_API_URL! } });

client.once(Events.ClientReady, (ready) => {
  process.stdout.write(`READY guilds=${ready.guilds.cache.size}\n`);
  process.send?.({ type: 'ready', guilds: ready.guilds.cache.size });
  if (mode === 'login') void client.destroy().then(() => process.exit(0));
});

if (mode === 'idle') {
  client.on(Events.InteractionCreate, (interaction) => {
    if (!interaction.isChatInputCommand()) return;
    interaction
      .reply({ content: 'I do not know that command any more.', flags: MessageFlags.Ephemeral })
      .catch((error: unknown) => process.stderr.write(`interaction failed: ${String(error)}\n`));
  });
}

if (mode === 'defer') {
  client.on(Events.InteractionCreate, (interaction) => {
    if (!interaction.isChatInputCommand()) return;
    void (async () => {
      await interaction.deferReply();
      await sleep(workMs);
      await interaction.editReply({ content: `done: ${interaction.commandName}` });
    })().catch((error: unknown) => process.stderr.write(`interaction failed: ${String(error)}\n`));
  });
}

process.on('SIGTERM', () => {
  void client.destroy().then(() => process.exit(0));
});

await client.login(process.env.DISCORD_TOKEN);
