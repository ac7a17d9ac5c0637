import { copyFile, link, mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { Upload } from '@tus/utils';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { Principal } from '../auth/tokens.service.js';

/** The metadata key holding the id of the token that created an upload; a client's own value is overwritten. */
const OWNER_KEY = 'genbench-owner';

/** The path tus serves (README.md, "Resumable uploads"). */
export const UPLOADS_PATH = '/api/uploads';

/** An upload id as @tus/server names them (16 random bytes, hex). */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** Why a finished upload cannot be used by a submission; `status` is the HTTP answer. */
export class UploadUnavailableError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
    this.name = 'UploadUnavailableError';
  }
}

type NodeRequestWithPrincipal = IncomingMessage & { principal?: Principal };

/** The Node request behind @tus/server's web request (srvx keeps it as `runtime.node.req`). */
function nodeRequestOf(req: unknown): NodeRequestWithPrincipal | undefined {
  return (req as { runtime?: { node?: { req?: NodeRequestWithPrincipal } } }).runtime?.node?.req;
}

/**
 * Resumable uploads with the tus protocol (@tus/server over @tus/file-store): a client creates an upload,
 * sends it in as many PATCH requests as its connection allows, and resumes from the server's offset (HEAD)
 * after a failure. A finished upload is only a file waiting: a submission names it (POST /api/models with
 * `uploads`), and the file then goes through exactly the checks of a multipart upload. Each upload belongs to
 * the token that created it; any upload, finished or not, that no submission used within
 * `uploadExpiryMs` is removed by the periodic sweep.
 */
@Injectable()
export class UploadStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('uploads');
  readonly store: FileStore;
  readonly server: Server;
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.store = new FileStore({ directory: config.tusDir, expirationPeriodInMilliseconds: config.uploadExpiryMs });
    this.server = new Server({
      path: UPLOADS_PATH,
      datastore: this.store,
      maxSize: config.maxUploadBytes,
      // `/api/uploads/<id>`: right behind any proxy, whatever host and scheme the client used.
      relativeLocation: true,
      onUploadCreate: (req, upload) => {
        const principal = nodeRequestOf(req)?.principal;
        if (!principal) return Promise.reject(new Error('an upload was created without an authenticated principal'));
        return Promise.resolve({ metadata: { ...upload.metadata, [OWNER_KEY]: principal.tokenId } });
      },
    });
  }

  onApplicationBootstrap(): void {
    void this.sweep().catch((err: unknown) => this.log.warn(`upload sweep failed: ${(err as Error).message}`));
    if (this.config.uploadSweepIntervalMs > 0) {
      this.timer = setInterval(() => {
        this.sweep().catch((err: unknown) => this.log.warn(`upload sweep failed: ${(err as Error).message}`));
      }, this.config.uploadSweepIntervalMs);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Hands a request under /api/uploads, already authenticated, to the tus server. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.server.handle(req, res);
  }

  /** The upload if it exists and belongs to this principal's token; otherwise undefined (an other's looks missing). */
  async find(id: string, principal: Principal): Promise<Upload | undefined> {
    if (!UPLOAD_ID.test(id)) return undefined;
    const upload = await this.store.getUpload(id).catch(() => undefined);
    if (!upload || upload.metadata?.[OWNER_KEY] !== principal.tokenId) return undefined;
    return upload;
  }

  /**
   * A finished upload of this principal, linked (copied across filesystems) to a fresh path under `dir`, where
   * the submission owns it as it owns a multipart file. The upload itself stays until `remove` (after a stored
   * submission) or the sweep, so a submission refused for its manifest can be retried without uploading again.
   */
  async checkout(id: string, principal: Principal, dir: string): Promise<{ path: string; size: number }> {
    const upload = await this.find(id, principal);
    if (!upload)
      throw new UploadUnavailableError(`upload ${id} not found: it does not exist, has expired, or was made with another token`, 404);
    if (upload.size === undefined || upload.offset !== upload.size) {
      throw new UploadUnavailableError(
        `upload ${id} is not finished (${upload.offset} of ${upload.size ?? '?'} bytes): resume it first`,
        409,
      );
    }
    await mkdir(dir, { recursive: true });
    const path = join(dir, `tus-${randomBytes(8).toString('hex')}`);
    const source = join(this.config.tusDir, id);
    await link(source, path).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EXDEV' && err.code !== 'EPERM') throw err;
      await copyFile(source, path);
    });
    return { path, size: upload.size };
  }

  /** Removes an upload (its data and its metadata); missing is fine. */
  async remove(id: string): Promise<void> {
    await this.store.remove(id).catch(() => undefined);
  }

  /**
   * Removes every upload, finished or not, created more than `uploadExpiryMs` ago. FileStore's own
   * `deleteExpired` spares finished uploads, but a finished upload no submission used is as abandoned.
   */
  async sweep(now = Date.now()): Promise<number> {
    const ids = (await this.store.configstore.list?.()) ?? [];
    let removed = 0;
    for (const id of ids) {
      const info = await this.store.configstore.get(id).catch(() => undefined);
      const created = info?.creation_date ? Date.parse(info.creation_date) : Number.NaN;
      if (!info || (Number.isFinite(created) && created + this.config.uploadExpiryMs < now)) {
        await this.remove(id);
        removed++;
      }
    }
    if (removed) this.log.log(`removed ${removed} expired upload(s)`);
    return removed;
  }
}
