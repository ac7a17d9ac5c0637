import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { SampleRecordsBody } from '../../../contracts/jobs/runner-api.schemas.js';
import { previewSampleCount } from '../../../contracts/suites/suite.schemas.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import type { Principal } from '../auth/tokens.service.js';
import { canSeeVersion, viewerOf } from '../auth/visibility.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { Prisma } from '../generated/prisma/client.js';
import { parseStoredDefinition } from '../suites/stored-definition.js';
import { EvaluationSamplesRepository } from './evaluation-samples.repository.js';
import { EvaluationsRepository } from './evaluations.repository.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (the first, by the PNG specification), or null when it is no PNG. */
export function pngSize(head: Buffer): { width: number; height: number } | null {
  if (head.length < 24 || !head.subarray(0, 8).equals(PNG_SIGNATURE) || head.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

/** The media types a kept sample is stored as: a PNG, or a video's animated WebP (issue #21.4). */
export type SampleMediaType = 'image/png' | 'image/webp';

/** What a stored sample file is: its media type, size and, for an animated WebP, its frame count. */
export interface SampleFileInfo {
  mediaType: SampleMediaType;
  width: number;
  height: number;
  frames: number | null;
}

/**
 * An animated WebP's canvas and frame count, by walking its RIFF chunks (Google's WebP container
 * specification: a VP8X chunk with the animation flag, then one ANMF chunk per frame); null when the bytes are
 * no animated extended WebP (a still WebP is not a kept sample: stills are PNGs).
 */
export function animatedWebpInfo(buf: Buffer): { width: number; height: number; frames: number } | null {
  if (buf.length < 30 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WEBP') return null;
  if (buf.toString('latin1', 12, 16) !== 'VP8X' || (buf[20]! & 0x02) === 0) return null;
  const width = buf.readUIntLE(24, 3) + 1;
  const height = buf.readUIntLE(27, 3) + 1;
  const end = Math.min(buf.length, 8 + buf.readUInt32LE(4));
  let frames = 0;
  for (let at = 12; at + 8 <= end;) {
    const size = buf.readUInt32LE(at + 4);
    if (buf.toString('latin1', at, at + 4) === 'ANMF') frames++;
    at += 8 + size + (size % 2);
  }
  return frames > 0 ? { width, height, frames } : null;
}

/** What the bytes of a sample file are, or null when they are neither a PNG nor an animated WebP. */
export function sampleFileInfo(buf: Buffer): SampleFileInfo | null {
  const png = pngSize(buf);
  if (png) return { mediaType: 'image/png', ...png, frames: null };
  const webp = animatedWebpInfo(buf);
  return webp ? { mediaType: 'image/webp', ...webp } : null;
}

const EXTENSION: Record<SampleMediaType, string> = { 'image/png': 'png', 'image/webp': 'webp' };

/** The public URL of a kept sample's file: `.png`, or `.webp` for a video's animated preview. */
export function sampleImageUrl(evaluationId: string, index: number, mediaType: SampleMediaType = 'image/png'): string {
  return `/api/evaluations/${evaluationId}/samples/${index}.${EXTENSION[mediaType]}`;
}

/** The URL of the image a kept sample's condition names by role (an image-conditioned sample's input, its target). */
export function conditionImageUrl(evaluationId: string, index: number, role: string): string {
  return `/api/evaluations/${evaluationId}/samples/${index}/${role}.png`;
}

/** The images a stored condition names, `{role: sha256}`; none for prompt and class conditions. */
function conditionImages(condition: unknown): Record<string, string> {
  const images = (condition as { images?: unknown } | null)?.images;
  if (!images || typeof images !== 'object') return {};
  return Object.fromEntries(Object.entries(images).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * Kept samples: the runner stores each PNG by content (storeImage), then records which index it is and what
 * it answered (record); readers see them under the evaluation's own visibility (auth/visibility.ts).
 */
@Injectable()
export class EvaluationSamplesService {
  constructor(
    @Inject(EvaluationSamplesRepository) private readonly samples: EvaluationSamplesRepository,
    @Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Stores one sample file (a PNG sample or an image a condition names, or a video's animated WebP) by sha256
   * for a running or succeeded evaluation; its bytes must be what `mediaType` says.
   */
  async storeImage(id: string, png: Buffer, mediaType: SampleMediaType = 'image/png') {
    const info = sampleFileInfo(png);
    if (!info || info.mediaType !== mediaType)
      throw new BadRequestException(
        mediaType === 'image/png' ? 'the sample image is not a PNG file' : 'the sample image is not an animated WebP file',
      );
    const { width, height, frames } = info;
    const size = { width, height, ...(frames !== null ? { frames } : {}) };
    await this.requireWritable(id, 'the sample image was');
    const sha256 = createHash('sha256').update(png).digest('hex');
    const tmp = join(this.config.uploadTmpDir, `sample-${randomBytes(8).toString('hex')}`);
    try {
      await writeFile(tmp, png);
      await this.store.adopt(tmp, sha256);
    } finally {
      await rm(tmp, { force: true });
    }
    return { sha256, size: png.length, ...size };
  }

  /** Records kept samples whose PNGs are stored; indices beyond the suite's K, or unknown files, are a 400. */
  async record(id: string, body: SampleRecordsBody) {
    const e = await this.requireWritable(id, 'the samples were');
    const suite = parseStoredDefinition(e.suiteVersion);
    // Segmentation suites draw no samples: nothing is kept for them.
    const k = suite.task === 'zero-shot-segmentation' ? 0 : previewSampleCount(suite);
    const rows = [];
    for (const [i, s] of body.samples.entries()) {
      if (s.index >= k)
        throw new BadRequestException({
          message: `suite ${e.suiteVersion.suiteId} v${e.suiteVersion.version} keeps samples 0..${k - 1}; index ${s.index} was not stored`,
          issues: [{ path: `samples.${i}.index`, message: `at most ${k - 1}` }],
        });
      const file = await this.storedFileInfo(s.sha256);
      if (!file)
        throw new BadRequestException({
          message: `sample ${s.index}: no PNG or animated WebP ${s.sha256} was uploaded for this evaluation (PUT .../sample-images first)`,
          issues: [{ path: `samples.${i}.sha256`, message: 'not a stored PNG or animated WebP' }],
        });
      for (const [name, sha] of Object.entries(s.condition.images ?? {}))
        if (!(await this.store.has(sha)))
          throw new BadRequestException({
            message: `sample ${s.index}: condition image ${name} (${sha}) was not uploaded`,
            issues: [{ path: `samples.${i}.condition.images.${name}`, message: 'not a stored file' }],
          });
      rows.push({ sampleIndex: s.index, imageSha256: s.sha256, ...file, condition: s.condition as Prisma.InputJsonValue });
    }
    const stored = await this.samples.record(id, rows);
    if (!stored) throw await this.notWritable(id, 'the samples were');
    return { ...stored, keep: k };
  }

  async list(id: string, principal?: Principal) {
    await this.requireVisible(id, principal);
    const rows = await this.samples.list(id);
    return {
      evaluationId: id,
      items: rows.map((r) => ({
        index: r.sampleIndex,
        condition: r.condition,
        width: r.width,
        height: r.height,
        mediaType: r.mediaType as SampleMediaType,
        frames: r.frames,
        image: sampleImageUrl(id, r.sampleIndex, r.mediaType as SampleMediaType),
        // Suite data (public), served through the evaluation's route so that the page has one source and one rule.
        conditionImages: Object.fromEntries(
          Object.keys(conditionImages(r.condition)).map((role) => [role, conditionImageUrl(id, r.sampleIndex, role)]),
        ),
      })),
    };
  }

  /**
   * Where sample `index`'s file of `mediaType` is stored; 404 when the evaluation is unseen or the sample absent
   * or stored as the other type (a video's preview is only at `.webp`).
   */
  async imagePath(id: string, index: number, principal?: Principal, mediaType: SampleMediaType = 'image/png'): Promise<string> {
    await this.requireVisible(id, principal);
    const row = await this.samples.find(id, index);
    if (!row || row.mediaType !== mediaType || !(await this.store.has(row.imageSha256)))
      throw new NotFoundException(`evaluation ${id} kept no ${EXTENSION[mediaType]} sample ${index}`);
    return this.store.pathFor(row.imageSha256);
  }

  /** Where the image that sample `index`'s condition names as `role` is stored; 404 like the sample itself. */
  async conditionImagePath(id: string, index: number, role: string, principal?: Principal): Promise<string> {
    await this.requireVisible(id, principal);
    const row = await this.samples.find(id, index);
    const sha = row ? conditionImages(row.condition)[role] : undefined;
    if (!sha || !(await this.store.has(sha))) throw new NotFoundException(`evaluation ${id} kept no ${role} image for sample ${index}`);
    return this.store.pathFor(sha);
  }

  private async requireVisible(id: string, principal?: Principal) {
    const e = await this.evaluations.findById(id);
    const viewer = viewerOf(principal);
    if (!e || !canSeeVersion(viewer, { visibility: e.modelVersion.visibility, owner: e.modelVersion.model.owner }))
      throw new NotFoundException(`evaluation ${id} not found or private`);
    return e;
  }

  private async requireWritable(id: string, what: string) {
    const e = await this.evaluations.findById(id);
    if (!e || (e.status !== 'running' && e.status !== 'succeeded')) throw await this.notWritable(id, what);
    return e;
  }

  private async notWritable(id: string, what: string) {
    const current = await this.evaluations.findById(id);
    if (!current) return new NotFoundException(`no evaluation ${id}`);
    return new ConflictException(`evaluation ${id} is ${current.status}; ${what} not stored`);
  }

  /** What a stored sample file is: a PNG's size from its header, an animated WebP's from its chunks. */
  private async storedFileInfo(sha256: string): Promise<SampleFileInfo | null> {
    if (!(await this.store.has(sha256))) return null;
    const path = this.store.pathFor(sha256);
    const fh = await open(path, 'r');
    let head: Buffer;
    try {
      head = Buffer.alloc(24);
      const { bytesRead } = await fh.read(head, 0, 24, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
    const png = pngSize(head);
    if (png) return { mediaType: 'image/png', ...png, frames: null };
    // Only WebPs need the whole file (frames are counted); uploads are bounded by the sample image limit.
    if (head.toString('latin1', 0, 4) !== 'RIFF') return null;
    const webp = animatedWebpInfo(await readFile(path));
    return webp ? { mediaType: 'image/webp', ...webp } : null;
  }
}
