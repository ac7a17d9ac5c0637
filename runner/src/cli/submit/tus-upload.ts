import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as tus from 'tus-js-client';
import { DetailedError, Upload, type UploadOptions } from 'tus-js-client';
import { CliError } from '../cli-error.js';

/** tus-js-client's Node URL storage in a JSON file; exported by its Node build but missing from its typings. */
const FileUrlStorage = (tus as unknown as { FileUrlStorage: new (path: string) => NonNullable<UploadOptions['urlStorage']> })
  .FileUrlStorage;

/** A file's sha256 (hex), read once as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface TusUploadOptions {
  /** The API's base URL; the tus endpoint is `<api>/api/uploads`. */
  api: string;
  token: string;
  path: string;
  sha256: string;
  /** Which submission field the file is for (stored in the upload's metadata, for the server's logs). */
  field: string;
  /** Where upload URLs are remembered between runs, so a second run resumes (tus-js-client's FileUrlStorage). */
  stateFile: string;
  chunkSize?: number;
  /** tus-js-client's retry delays within one run; [] gives up on the first failure (a later run resumes). */
  retryDelays?: number[];
  onProgress?: (sent: number, total: number) => void;
  /** Called with the offset the server holds when an earlier upload of this file is resumed. */
  onResume?: (offset: number, url: string) => void;
}

/**
 * Uploads one file with the tus protocol and resolves with its upload id. An earlier, unfinished upload of the
 * same content to the same API with the same token (fingerprint: sha256, endpoint, token hash) is resumed from
 * the offset the server reports, not from byte 0.
 */
export async function tusUpload(o: TusUploadOptions): Promise<string> {
  const { size } = await stat(o.path);
  await mkdir(dirname(o.stateFile), { recursive: true });
  const endpoint = new URL('/api/uploads', o.api).toString();
  const tokenTag = createHash('sha256').update(o.token).digest('hex').slice(0, 16);
  const fingerprint = `genbench-${o.sha256}-${size}-${endpoint}-${tokenTag}`;
  return new Promise<string>((resolve, reject) => {
    const upload = new Upload(createReadStream(o.path), {
      endpoint,
      uploadSize: size,
      chunkSize: o.chunkSize ?? 64 * 1024 * 1024,
      retryDelays: o.retryDelays ?? [0, 1000, 3000, 5000, 10000],
      headers: { authorization: `Bearer ${o.token}` },
      metadata: { filename: basename(o.path), field: o.field },
      urlStorage: new FileUrlStorage(o.stateFile),
      fingerprint: () => Promise.resolve(fingerprint),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: o.onProgress,
      onError: (err) => reject(uploadError(o, err)),
      onSuccess: () => {
        const url = upload.url ?? '';
        resolve(url.slice(url.lastIndexOf('/') + 1));
      },
    });
    upload
      .findPreviousUploads()
      .then(async (previous) => {
        const last = previous[0];
        if (last) {
          upload.resumeFromPreviousUpload(last);
          if (o.onResume) {
            // Where the server stands: what the first PATCH of this run will continue from.
            const head = await fetch(last.uploadUrl ?? '', {
              method: 'HEAD',
              headers: { authorization: `Bearer ${o.token}`, 'tus-resumable': '1.0.0' },
            });
            const offset = head.ok ? Number(head.headers.get('upload-offset')) : 0;
            o.onResume(offset, last.uploadUrl ?? '');
          }
        }
        upload.start();
      })
      .catch((err: unknown) => reject(uploadError(o, err)));
  });
}

function uploadError(o: TusUploadOptions, err: unknown): CliError {
  const res = err instanceof DetailedError ? err.originalResponse : null;
  const status = res?.getStatus();
  let why = res ? (res.getBody() ?? '') : (err as Error).message;
  try {
    why = (JSON.parse(why) as { message?: string }).message ?? why;
  } catch {
    /* plain text */
  }
  if (status === 413) return new CliError(`${o.path} is larger than the server accepts (413): ${why.trim()}`, 2, { cause: err });
  if (status === 401 || status === 403) return new CliError(`upload of ${o.path} refused (${status}): ${why.trim()}`, 2, { cause: err });
  return new CliError(
    `upload of ${o.path} interrupted${status ? ` (${status})` : ''}: ${why.trim() || 'connection lost'}. Run the same command again to resume from where the server stopped.`,
    3,
    { cause: err },
  );
}
