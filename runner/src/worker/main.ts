// `npm run runner`: a queue worker. SIGTERM/SIGINT finish the current evaluation before exiting;
// a second signal kills it and leaves the job to be retried by another runner.
import { pino } from 'pino';
import { loadRunnerConfig } from './runner-config.js';
import { startRunner } from './runner.js';
import { startHeartbeat } from './heartbeat.js';

const log = pino({ name: 'runner', level: process.env.GENBENCH_LOG_LEVEL ?? 'info' });
const config = loadRunnerConfig();
const runner = startRunner(config, log);
startHeartbeat(config.cacheDir);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) {
      log.warn('second signal: releasing the current job');
      void runner.stop({ force: true }).then(() => process.exit(1));
      return;
    }
    stopping = true;
    log.info('finishing the current evaluation, then exiting (signal again to stop now)');
    void runner.stop().then(() => process.exit(0));
  });
}
