import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';

const run = promisify(execFile);

/** Debian's chromium (scripts/test-env.sh installs it); override with GENBENCH_CHROMIUM. */
export const CHROMIUM = process.env.GENBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Builds dashboard/dist from the current sources, so the browser tests never exercise a stale bundle. */
export async function buildDashboard(): Promise<void> {
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  await run('npm', ['run', 'build', '-w', 'dashboard'], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_ENV: 'production' } });
  if (!existsSync('dashboard/dist/index.html')) throw new Error('dashboard build produced no dashboard/dist/index.html');
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: run scripts/test-env.sh or set GENBENCH_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // No background traffic: the tests run offline and a blocked request would read as a page error.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A page that records uncaught exceptions, console errors and failed requests. Chromium logs every
 * non-2xx response as a console error; `expected` lists the ones a test provokes on purpose.
 */
export async function openPage(browser: Browser, expected: RegExp[] = []): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !expected.some((re) => re.test(msg.text()))) problems.push(`console.error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  return { page, problems };
}
