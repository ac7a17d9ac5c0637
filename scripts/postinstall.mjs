// After `npm ci`: generate the Prisma client (offline-safe, see scripts/prisma.mjs).
import { spawnSync } from 'node:child_process';
const res = spawnSync(process.execPath, ['scripts/prisma.mjs', 'generate'], { stdio: 'inherit' });
process.exit(res.status ?? 1);
