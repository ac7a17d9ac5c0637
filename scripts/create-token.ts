// npm run token -- --role submitter|admin|runner --owner NAME [--name LABEL] [--expires-days N]
// Prints the secret once; only its hash is stored.
import { parseArgs } from 'node:util';
import { loadConfig } from '../api/src/config/config.js';

const usage = (databaseUrl: string) => `usage: npm run token -- --role submitter|admin|runner --owner NAME [--name LABEL] [--expires-days N]

Issues an API token and prints its secret once (only its hash is stored).
  --role          submitter: submit models · admin: everything, incl. the dashboard's Admin page · runner: run evaluations
  --owner         whose token it is: models submitted with it are listed under this name
  --name          a label for the token list (default: "<role> token")
  --expires-days  days until it stops working (default: never)

The token is stored in the database of DATABASE_URL, here ${databaseUrl}:
run this with the DATABASE_URL of the API that should accept it, e.g.
  DATABASE_URL=${databaseUrl} npm run token -- --role admin --owner me`;

const config = loadConfig();
const USAGE = usage(config.databaseUrl);

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: { role?: string; owner?: string; name?: string; 'expires-days'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string' },
      owner: { type: 'string' },
      name: { type: 'string' },
      'expires-days': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const role = values.role;
if (role !== 'submitter' && role !== 'admin' && role !== 'runner')
  fail(role === undefined ? '--role is required' : `--role must be submitter, admin or runner, not "${role}"`);
if (!values.owner) fail('--owner is required');
const days = values['expires-days'] === undefined ? undefined : Number(values['expires-days']);
if (days !== undefined && !(Number.isFinite(days) && days > 0))
  fail(`--expires-days must be a positive number, not "${values['expires-days']}"`);

// Loaded only now: the Prisma client takes seconds to import, and help or a typo should not wait for it.
const { issueToken } = await import('../api/src/auth/issue-token.js');
let secret: string;
try {
  ({ secret } = await issueToken(config, {
    role,
    owner: values.owner,
    name: values.name ?? `${role} token`,
    expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null,
  }));
} catch (err) {
  console.error(
    // Prisma's message quotes the calling code first; its last line is the cause.
    `could not store the token in ${config.databaseUrl}: ${(err as Error).message.trim().split('\n').at(-1)}\n` +
      "Is PostgreSQL running there, and has the API (or npm run db:migrate) created its tables? Set DATABASE_URL to the API's database.",
  );
  process.exit(1);
}
console.log(secret);
