import { HttpError } from 'react-admin';
import { defaultOptions, DetailedError, Upload } from 'tus-js-client';

/** The API's tus endpoint (POST creates an upload, PATCH continues it from the offset HEAD reports). */
const UPLOADS = '/api/uploads';

/** Delays (ms) between tus-js-client's retries after a dropped connection; each retry resumes from the server's offset. */
export const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000];

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

function subtle(): SubtleCrypto {
  // crypto.subtle exists only in a secure context (https, or http on localhost / 127.0.0.1).
  if (!globalThis.crypto?.subtle) throw new Error('this page cannot compute sha256 here: open the dashboard over https (or on localhost)');
  return globalThis.crypto.subtle;
}

/**
 * A file's sha256 (hex), which the submission names so the API can check the stored bytes. This reads the
 * whole file into memory at once (crypto.subtle has no incremental digest): fine for the models this
 * dashboard takes, but very large files would need a streaming hash (e.g. a wasm sha256 fed chunk by chunk).
 */
export async function sha256OfFile(file: Blob): Promise<string> {
  return hex(await subtle().digest('SHA-256', await file.arrayBuffer()));
}

export interface TusUploadInput {
  file: File;
  sha256: string;
  token: string;
  /** The submission field the file is for (kept in the upload's metadata). */
  field: string;
  onProgress?: (sent: number, total: number) => void;
}

/**
 * Uploads one file with tus and resolves with its upload id. A dropped connection is retried (RETRY_DELAYS),
 * each retry continuing from the offset the server holds; the upload URL is kept in localStorage under a
 * fingerprint of content, endpoint and token, so a submit after a reload resumes an unfinished upload too.
 */
export async function tusUpload(o: TusUploadInput): Promise<string> {
  const endpoint = new URL(UPLOADS, window.location.href).toString();
  const tokenTag = (await sha256OfFile(new Blob([o.token]))).slice(0, 16);
  const fingerprint = `genbench-${o.sha256}-${o.file.size}-${endpoint}-${tokenTag}`;
  return new Promise<string>((resolve, reject) => {
    const upload = new Upload(o.file, {
      endpoint,
      retryDelays: RETRY_DELAYS,
      headers: { authorization: `Bearer ${o.token}` },
      metadata: { filename: o.file.name, field: o.field },
      fingerprint: () => Promise.resolve(fingerprint),
      urlStorage: defaultOptions.urlStorage,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: o.onProgress ?? null,
      onError: (err) => reject(uploadError(o, err)),
      onSuccess: () => {
        const url = upload.url ?? '';
        resolve(url.slice(url.lastIndexOf('/') + 1));
      },
    });
    upload
      .findPreviousUploads()
      .then((previous) => {
        if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
        upload.start();
      })
      .catch((err: unknown) => reject(uploadError(o, err)));
  });
}

/**
 * The API's answer to a failed tus request as the HttpError the submit form already reads (400 with its
 * issues, 401/403 on the token, 413 on the file); a connection that stayed down through every retry as a
 * plain Error ("could not reach the API").
 */
function uploadError(o: TusUploadInput, err: unknown): Error {
  const res = err instanceof DetailedError ? err.originalResponse : null;
  const status = res?.getStatus();
  if (!res || !status) {
    return new Error(`the upload of ${o.file.name} was interrupted and did not resume; submit again to continue from where it stopped`);
  }
  const text = res.getBody() ?? '';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { message: text.trim() || `HTTP ${status}` };
  }
  const message = (body as { message?: unknown }).message;
  return new HttpError(typeof message === 'string' ? message : `upload of ${o.file.name} failed (${status})`, status, body);
}
