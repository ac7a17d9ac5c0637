import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ClaimResponse,
  type FailureBody,
  type HeartbeatBody,
  MergeClaimResponse,
  type ProgressBody,
  type ResultBody,
  type SampleRecordsBody,
  ShardClaimResponse,
  type ShardResultBody,
  type StageProgressReport,
} from '../../../contracts/jobs/runner-api.schemas.js';

/** An evaluation's endpoints, or with `shard` those of one of its shards. */
const at = (evaluationId: string, shard?: number) =>
  `/api/runner/evaluations/${evaluationId}${shard === undefined ? '' : `/shards/${shard}`}`;

/** The API said no (4xx): retrying the same request will not help. `body` is the parsed JSON answer, if any. */
export class ApiRejection extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiRejection';
  }

  /** Set when a claim was refused because another runner's claim is alive: when to try again. */
  get retryAfterMs(): number | undefined {
    const b = this.body as { reason?: unknown; retryAfterMs?: unknown } | undefined;
    return this.status === 409 && b?.reason === 'claimed' && typeof b.retryAfterMs === 'number' ? b.retryAfterMs : undefined;
  }
}

/** The runner's only way to the database: the API's /api/runner endpoints with a runner token. */
export class RunnerApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly retryForMs = 120_000,
  ) {}

  /**
   * Sends a request, retrying network errors and 5xx answers (the API restarting, PostgreSQL restarting
   * behind it: 503) with exponential back-off for up to `retryForMs`. 4xx answers are final.
   */
  private async request(method: string, path: string, body?: unknown, bytesType = 'image/png'): Promise<Response> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, path, body, bytesType);
      } catch (err) {
        if (err instanceof ApiRejection || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
      }
    }
  }

  private async once(method: string, path: string, body?: unknown, bytesType = 'image/png'): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      // Bytes go as they are (a PNG sample grid); anything else as JSON.
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body instanceof Uint8Array ? { 'content-type': bytesType } : body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body instanceof Uint8Array ? body : body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(body instanceof Uint8Array ? 600_000 : 60_000),
    });
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let message = text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
      message = (parsed as { message?: string }).message ?? text;
    } catch {
      /* not JSON */
    }
    if (res.status >= 400 && res.status < 500) throw new ApiRejection(res.status, `${method} ${path}: ${res.status} ${message}`, parsed);
    throw new Error(`${method} ${path}: ${res.status} ${message}`);
  }

  async claim(evaluationId: string, runnerId: string): Promise<ClaimResponse> {
    const res = await this.request('POST', `/api/runner/evaluations/${evaluationId}/claim`, { runnerId });
    return ClaimResponse.parse(await res.json());
  }

  /** Claims shard `shard` of a sharded evaluation; its attempt is the shard's own. */
  async claimShard(evaluationId: string, shard: number, runnerId: string): Promise<ShardClaimResponse> {
    const res = await this.request('POST', `${at(evaluationId, shard)}/claim`, { runnerId });
    return ShardClaimResponse.parse(await res.json());
  }

  /** Claims the merge of a sharded evaluation whose shards are all in (the evaluation's own claim). */
  async claimMerge(evaluationId: string, runnerId: string): Promise<MergeClaimResponse> {
    const res = await this.request('POST', `${at(evaluationId)}/merge-claim`, { runnerId });
    return MergeClaimResponse.parse(await res.json());
  }

  /** Returns false when the claim is no longer the evaluation's (cancelled, finished, or taken over). */
  async progress(
    evaluationId: string,
    claim: HeartbeatBody,
    progress: number,
    stage?: StageProgressReport,
    shard?: number,
  ): Promise<boolean> {
    const body: ProgressBody = { ...claim, progress, ...(stage ? { stage } : {}) };
    const res = await this.once('POST', `${at(evaluationId, shard)}/progress`, body);
    return ((await res.json()) as { accepted: boolean }).accepted;
  }

  /** Renews the claim's lease; false as for `progress`. */
  async heartbeat(evaluationId: string, claim: HeartbeatBody, shard?: number): Promise<boolean> {
    const res = await this.once('POST', `${at(evaluationId, shard)}/heartbeat`, claim);
    return ((await res.json()) as { accepted: boolean }).accepted;
  }

  /** Gives up the claim of an attempt that failed and will be retried; false when it was no longer held. */
  async release(evaluationId: string, claim: HeartbeatBody, shard?: number): Promise<boolean> {
    const res = await this.once('POST', `${at(evaluationId, shard)}/release`, claim);
    return ((await res.json()) as { accepted: boolean }).accepted;
  }

  /** Uploads a shard's partial result (GBSHARD1 bytes) into the API's artifact store; answers its sha256. */
  async shardPartial(evaluationId: string, shard: number, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const res = await this.request('PUT', `${at(evaluationId, shard)}/partial`, bytes, 'application/octet-stream');
    return (await res.json()) as { sha256: string; size: number };
  }

  async shardResult(evaluationId: string, shard: number, body: ShardResultBody): Promise<{ outcome: string }> {
    return (await (await this.request('POST', `${at(evaluationId, shard)}/result`, body)).json()) as { outcome: string };
  }

  async result(evaluationId: string, body: ResultBody): Promise<{ outcome: string }> {
    return (await (await this.request('POST', `/api/runner/evaluations/${evaluationId}/result`, body)).json()) as { outcome: string };
  }

  /** Uploads the PNG grid of the evaluation's first samples (PUT, body image/png). */
  async sampleGrid(evaluationId: string, png: Uint8Array): Promise<void> {
    await this.request('PUT', `/api/runner/evaluations/${evaluationId}/sample-grid`, png);
  }

  /** Uploads one PNG (a kept sample, or an image its condition names) or a video's animated WebP; answers its sha256. */
  async sampleImage(
    evaluationId: string,
    image: Uint8Array,
    mediaType: 'image/png' | 'image/webp' = 'image/png',
  ): Promise<{ sha256: string }> {
    const res = await this.request('PUT', `/api/runner/evaluations/${evaluationId}/sample-images`, image, mediaType);
    return (await res.json()) as { sha256: string };
  }

  /** Records kept samples whose PNGs were uploaded; a retry stores nothing twice. */
  async recordSamples(evaluationId: string, body: SampleRecordsBody): Promise<{ inserted: number; total: number }> {
    return (await (await this.request('POST', `/api/runner/evaluations/${evaluationId}/samples`, body)).json()) as {
      inserted: number;
      total: number;
    };
  }

  async failure(evaluationId: string, body: FailureBody, shard?: number): Promise<void> {
    await this.request('POST', `${at(evaluationId, shard)}/failure`, body);
  }

  /** Downloads an artifact into the cache (verified by sha256) unless it is already there. */
  async artifact(sha256: string, cacheDir: string): Promise<string> {
    const dir = join(cacheDir, 'artifacts');
    const dest = join(dir, sha256);
    if (
      await stat(dest).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return dest;
    await mkdir(dir, { recursive: true });
    const tmp = `${dest}.${process.pid}.${Date.now()}.part`;
    const res = await this.request('GET', `/api/runner/artifacts/${sha256}`);
    const hash = createHash('sha256');
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    body.on('data', (c: Buffer) => hash.update(c));
    try {
      await pipeline(body, createWriteStream(tmp));
      const got = hash.digest('hex');
      if (got !== sha256) throw new Error(`artifact ${sha256} arrived with sha256 ${got}`);
      await rename(tmp, dest);
    } finally {
      await rm(tmp, { force: true });
    }
    return dest;
  }
}
