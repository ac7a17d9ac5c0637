import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestStack } from './stack.js';

/** A multipart submission with every field `POST /api/models` takes (stack.ts's submitModel is this with file and manifest only). */
export async function submit(
  stack: Pick<TestStack, 'baseUrl'>,
  token: string | undefined,
  parts: {
    file?: Uint8Array;
    manifest?: unknown;
    decoder?: Uint8Array;
    text_encoder?: Uint8Array;
    tokenizer?: Uint8Array;
    visibility?: string;
  },
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  if (parts.file) form.append('file', new Blob([parts.file]), 'model.onnx');
  if (parts.decoder) form.append('decoder', new Blob([parts.decoder]), 'decoder.onnx');
  if (parts.text_encoder) form.append('text_encoder', new Blob([parts.text_encoder]), 'text_encoder.onnx');
  if (parts.tokenizer) form.append('tokenizer', new Blob([parts.tokenizer]), 'tokenizer.json');
  if (parts.manifest !== undefined)
    form.append('manifest', typeof parts.manifest === 'string' ? parts.manifest : JSON.stringify(parts.manifest));
  if (parts.visibility !== undefined) form.append('visibility', parts.visibility);
  const res = await fetch(`${stack.baseUrl}/api/models`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body };
}

/** The sha256s of every file in the artifact store, sorted. */
export async function storedFiles(stack: Pick<TestStack, 'config'>): Promise<string[]> {
  const top = join(stack.config.artifactDir, 'sha256');
  const shards = await readdir(top).catch(() => [] as string[]);
  const out: string[] = [];
  for (const s of shards) out.push(...(await readdir(join(top, s)).catch(() => [] as string[])));
  return out.sort();
}

/** Files left in the upload temp directory. */
export async function uploadLeftovers(stack: Pick<TestStack, 'config'>): Promise<string[]> {
  return readdir(stack.config.uploadTmpDir).catch(() => [] as string[]);
}
