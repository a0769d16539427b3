import { DiscordjsErrorCodes } from 'discord.js';

/** One actionable sentence for the admin instead of a stack dump. */
export function describeLoginFailure(error: unknown, apiUrl: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === DiscordjsErrorCodes.TokenInvalid || (error as { status?: unknown } | null)?.status === 401) {
    return 'Discord rejected DISCORD_TOKEN. Reset the token in the Discord developer portal (Bot → Reset Token) and put the new one in .env.';
  }
  if (code === DiscordjsErrorCodes.DisallowedIntents) {
    return 'Discord refused the gateway intents. The bot only needs the Guilds intent; check the application settings.';
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `Could not connect to Discord at ${apiUrl} (${detail}). Check the network and DISCORD_API_URL.`;
}
