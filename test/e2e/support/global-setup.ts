/**
 * Builds the bot once for the whole e2e run, exactly as `npm start`'s `prestart` does, so every journey runs the
 * compiled `dist/src/main.js`.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from './bot-process.js';

export default function setup(): void {
  const started = performance.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['run', '--silent', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  console.log(`[e2e] npm run build took ${Math.round(performance.now() - started)} ms`);
}
