// `genbench submit --manifest m.json --file model.onnx [--decoder d.onnx …] [--api URL --token T]`: uploads the
// files with the tus resumable-upload protocol (a progress bar on stderr; an interrupted upload resumes from the
// server's offset, within the run by retrying and in a later run of the same command), then submits the
// manifest naming the finished uploads with each file's sha256. The server checks the hashes and runs the same
// validation as a multipart POST /api/models before anything is stored.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { progressBar } from '../submit/progress-bar.js';
import { sha256OfFile, tusUpload } from '../submit/tus-upload.js';

/** Submission fields and their options: the main file, then the companion files (api/src/models/companion-files.ts). */
const FILE_OPTIONS = [
  { field: 'file', option: 'file' },
  { field: 'decoder', option: 'decoder' },
  { field: 'classifier', option: 'classifier' },
  { field: 'text_encoder', option: 'textEncoder' },
  { field: 'tokenizer', option: 'tokenizer' },
] as const;

export interface SubmitOptions {
  manifest: string;
  file: string;
  decoder?: string;
  classifier?: string;
  textEncoder?: string;
  tokenizer?: string;
  api: string;
  token?: string;
  visibility?: string;
  state: string;
  chunkMb: number;
  retries: number;
  progress?: boolean;
}

export function defaultStateFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'genbench', 'uploads.json');
}

/** Uploads and submits; resolves with the API's answer (201), or throws a CliError saying why nothing was stored. */
export async function submitCommand(
  o: SubmitOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<unknown> {
  if (!o.token) throw new CliError('a submitter token is needed: --token <token> or GENBENCH_TOKEN');
  let manifestText: string;
  try {
    manifestText = await readFile(o.manifest, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the manifest ${o.manifest}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, {
      cause: err,
    });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (err) {
    throw new CliError(`the manifest ${o.manifest} is not JSON: ${(err as Error).message}`, 2, { cause: err });
  }
  const files = FILE_OPTIONS.flatMap(({ field, option }) => (o[option] ? [{ field, path: o[option] }] : []));
  const uploads: Record<string, string> = {};
  const sha256: Record<string, string> = {};
  for (const { field, path } of files) {
    try {
      sha256[field] = await sha256OfFile(path);
    } catch (err) {
      throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, { cause: err });
    }
    uploads[field] = await tusUpload({
      api: o.api,
      token: o.token,
      path,
      sha256: sha256[field],
      field,
      stateFile: o.state,
      chunkSize: Math.round(o.chunkMb * 1_048_576),
      retryDelays: [0, 1000, 3000, 5000, 10000].slice(0, o.retries),
      onProgress: o.progress === false ? undefined : progressBar(field),
      onResume: (offset) => log(`${field}: resuming the earlier upload at byte ${offset}`),
    });
  }
  const res = await fetch(new URL('/api/models', o.api), {
    method: 'POST',
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ manifest, uploads, sha256, ...(o.visibility ? { visibility: o.visibility } : {}) }),
  }).catch((err: unknown) => {
    throw new CliError(`cannot reach ${o.api}: ${(err as Error).message}`, 3, { cause: err });
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* plain text */
  }
  if (!res.ok) {
    const b = body as { message?: string; issues?: Array<{ path: string; message: string }> };
    const issues = b.issues?.length ? ` (${b.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})` : '';
    throw new CliError(`the submission was refused (${res.status}): ${b.message ?? text}${issues}`);
  }
  return body;
}

export function register(program: Command): void {
  program
    .command('submit')
    .description('upload a model (resumable, tus) and submit it with its manifest; prints the API answer as JSON')
    .requiredOption('--manifest <file>', 'the manifest JSON (README.md, "The manifest")')
    .requiredOption('--file <file>', 'the ONNX model, or the .npz of a samples submission')
    .option('--decoder <file>', 'the decoder ONNX of a latent denoiser')
    .option('--classifier <file>', 'the classifier-gradient ONNX of a classifier-guided denoiser')
    .option('--text-encoder <file>', 'the text encoder ONNX of a text-conditioned model')
    .option('--tokenizer <file>', 'the tokenizer.json of a text-conditioned model')
    .option('--api <url>', 'the API base URL (GENBENCH_API_URL)', process.env.GENBENCH_API_URL ?? 'http://127.0.0.1:3000')
    .option('--token <token>', 'a submitter token (GENBENCH_TOKEN)', process.env.GENBENCH_TOKEN)
    .option('--visibility <visibility>', 'public or private')
    .option('--state <file>', 'where unfinished uploads are remembered for resuming', defaultStateFile())
    .option('--chunk-mb <n>', 'bytes per PATCH request, in MiB', (v) => Number(v), 64)
    .option('--retries <n>', 'retries of a failed request within this run (then run again to resume)', (v) => Number(v), 5)
    .option('--no-progress', 'no progress bar')
    .action(async (opts: SubmitOptions) => {
      const body = await submitCommand(opts);
      process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    });
}
