// `npm run db:migrate`: create the database if needed and apply prisma/migrations.
import { ensureDatabase, migrate } from '../api/src/database/migrator.js';
import { loadConfig } from '../api/src/config/config.js';

const { databaseUrl } = loadConfig();
const created = await ensureDatabase(databaseUrl);
const res = await migrate(databaseUrl);
const where = new URL(databaseUrl);
where.password = '';
console.log(
  `${created ? 'created database; ' : ''}applied ${res.applied.length} migration(s)` +
    `${res.applied.length ? ': ' + res.applied.join(', ') : ''}; ${res.alreadyApplied.length} already applied (${where.host}${where.pathname})`,
);
