#!/usr/bin/env node
// Runs the Prisma CLI offline. Prisma 7 downloads its native schema engine before every command, even
// `generate`, which does not use it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable skips that
// download (../shared/notes/offline.md). Migrations are applied by scripts/migrate.ts, not by this engine.
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const dir = join(tmpdir(), 'genbench-prisma');
  const stub = join(dir, 'schema-engine-stub');
  if (!existsSync(stub)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      stub,
      '#!/bin/sh\necho "genbench: the Prisma schema engine is not installed offline; use npm run db:migrate" >&2\nexit 1\n',
    );
    chmodSync(stub, 0o755);
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const res = spawnSync('npx', ['--no-install', 'prisma', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(res.status ?? 1);
