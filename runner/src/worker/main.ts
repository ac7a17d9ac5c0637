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
// A failed close (Redis gone, say) is logged and still ends the process: the job's lock then expires and
// another runner retries it.
const stop = (opts: { force?: boolean }, code: number) =>
  runner.stop(opts).then(
    () => process.exit(code),
    (err: unknown) => {
      log.error({ err: (err as Error).message }, 'the worker did not close cleanly');
      process.exit(1);
    },
  );
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) {
      log.warn('second signal: releasing the current job');
      void stop({ force: true }, 1);
      return;
    }
    stopping = true;
    log.info('finishing the current evaluation, then exiting (signal again to stop now)');
    void stop({}, 0);
  });
}
