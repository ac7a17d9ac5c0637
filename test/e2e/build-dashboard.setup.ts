import { buildDashboard } from './browser.js';

/** The e2e project's global setup: the dashboard is built once per run, before any browser test serves it. */
export default async function setup(): Promise<void> {
  await buildDashboard();
}
