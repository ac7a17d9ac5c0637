// npm run token -- --role submitter|admin|runner --owner NAME [--name LABEL] [--expires-days N]
// Prints the secret once; only its hash is stored.
import { parseArgs } from 'node:util';
import { issueToken } from '../api/src/auth/issue-token.js';
import { loadConfig } from '../api/src/config/config.js';

const { values } = parseArgs({
  options: { role: { type: 'string' }, owner: { type: 'string' }, name: { type: 'string' }, 'expires-days': { type: 'string' } },
});
const role = values.role;
if (role !== 'submitter' && role !== 'admin' && role !== 'runner') {
  console.error('usage: npm run token -- --role submitter|admin|runner --owner NAME [--name LABEL] [--expires-days N]');
  process.exit(2);
}
if (!values.owner) {
  console.error('--owner is required');
  process.exit(2);
}
const days = values['expires-days'] ? Number(values['expires-days']) : undefined;
const { secret } = await issueToken(loadConfig(), {
  role,
  owner: values.owner,
  name: values.name ?? `${role} token`,
  expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null,
});
console.log(secret);
