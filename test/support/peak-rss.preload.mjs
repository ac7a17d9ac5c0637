// Preloaded into a child process by tests (NODE_OPTIONS=--import <this file>): at exit, writes the
// process's peak resident memory (VmHWM from /proc/self/status, in bytes) to GENBENCH_PEAK_RSS_FILE.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.GENBENCH_PEAK_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) writeFileSync(out, String(Number(m[1]) * 1024));
  });
}
