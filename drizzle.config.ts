import { defineConfig } from 'drizzle-kit';

// Generation only needs the schema; the database path is irrelevant to `drizzle-kit generate`/`check`.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
});
