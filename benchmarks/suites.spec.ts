import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAssetDirs, type AssetDirs } from '../runner/src/assets/asset-dirs.js';
import { METRICS } from '../runner/src/metrics/registry.js';
import { availability } from '../runner/src/suites/availability.js';
import { SuiteDefinition } from '../runner/src/suites/suite.schemas.js';
import { SUITES, findSuite } from './index.js';

const KNOWN_METRICS = new Set(METRICS.map((m) => m.id));
const IMAGENET = SUITES.filter((s) => s.id.startsWith('imagenet-'));

describe('benchmarks/ suites', () => {
  it('are valid definitions with unique ids', () => {
    for (const s of SUITES) expect(SuiteDefinition.safeParse(s).success, s.id).toBe(true);
    expect(new Set(SUITES.map((s) => s.id)).size).toBe(SUITES.length);
  });

  it.each(SUITES.map((s) => [s.id, s] as const))('%s names only registered metrics, its primary among them', (_id, s) => {
    for (const m of s.metrics) expect(KNOWN_METRICS.has(m), `${s.id}: unknown metric ${m}`).toBe(true);
    expect(s.metrics).toContain(s.primary);
  });

  it('include ImageNet 64, 128, 256 and 512, class-conditional and unconditional, on the ADM protocol', () => {
    for (const res of [64, 128, 256, 512]) {
      const cond = findSuite(`imagenet-${res}-cond`)!;
      const uncond = findSuite(`imagenet-${res}-uncond`)!;
      expect(cond.task).toBe('class-conditional-generation');
      expect(uncond.task).toBe('unconditional-generation');
      for (const s of [cond, uncond]) {
        expect(s).toMatchObject({ resolution: res, samples: 50_000, primary: 'fid', metrics: ['fid', 'sfid', 'inception_score', 'precision', 'recall'] });
        expect(s.reference).toMatchObject({ type: 'adm-reference-batch' });
        expect(s.extractor).toMatchObject({ type: 'onnx-file', input_size: 299, preprocessing: 'tf1-bilinear', normalization: 'adm' });
        if (s.reference.type !== 'adm-reference-batch') continue;
        expect(s.reference.source).toBe(`https://openaipublic.blob.core.windows.net/diffusion/jul-2021/ref_batches/imagenet/${res}/${s.reference.file}`);
      }
    }
    expect(IMAGENET).toHaveLength(8);
  });
});

describe('availability', () => {
  let dir: string;
  let dirs: AssetDirs;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-availability-'));
    dirs = loadAssetDirs({ GENBENCH_REFERENCE_DIR: join(dir, 'reference'), GENBENCH_MODELS_DIR: join(dir, 'models') });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to .genbench/reference and .genbench/models', () => {
    const d = loadAssetDirs({});
    expect(d.referenceDir).toBe(join(process.cwd(), '.genbench/reference'));
    expect(d.modelsDir).toBe(join(process.cwd(), '.genbench/models'));
  });

  it('reports synthetic suites as available', async () => {
    expect(await availability(findSuite('smoke-32')!, dirs)).toEqual({ available: true });
  });

  it.each(IMAGENET.map((s) => [s.id, s] as const))('reports %s as unavailable, with paths and sources, when its files are absent', async (_id, s) => {
    const a = await availability(s, dirs);
    expect(a.available).toBe(false);
    if (a.available) return;
    if (s.reference.type !== 'adm-reference-batch' || s.extractor.type !== 'onnx-file') throw new Error('expected file assets');
    const refPath = join(dirs.referenceDir, s.reference.file);
    const modelPath = join(dirs.modelsDir, s.extractor.file);
    expect(a.missing).toEqual([
      { file: s.reference.file, expectedPath: refPath, source: s.reference.source, sha256: s.reference.sha256, problem: 'absent' },
      { file: s.extractor.file, expectedPath: modelPath, source: s.extractor.source, sha256: s.extractor.sha256, problem: 'absent' },
    ]);
    expect(a.message).toContain(s.id);
    expect(a.message).toContain(refPath);
    expect(a.message).toContain(s.reference.source);
    expect(a.message).toContain(modelPath);
  });

  it('lists only what is still missing, and needs no hashing to say a file is there', async () => {
    const s = findSuite('imagenet-64-cond')!;
    if (s.reference.type !== 'adm-reference-batch') throw new Error('expected a file reference');
    await mkdir(dirs.referenceDir, { recursive: true });
    await writeFile(join(dirs.referenceDir, s.reference.file), 'not really a reference batch');
    const a = await availability(s, dirs);
    expect(a.available).toBe(false);
    if (a.available) return;
    expect(a.missing.map((m) => m.file)).toEqual(['inception-2015-12-05.onnx']);
  });

  it('with verify, reports a file whose checksum is not pinned or differs', async () => {
    const s = findSuite('imagenet-64-cond')!;
    if (s.reference.type !== 'adm-reference-batch' || s.extractor.type !== 'onnx-file') throw new Error('expected file assets');
    await mkdir(dirs.referenceDir, { recursive: true });
    await mkdir(dirs.modelsDir, { recursive: true });
    await writeFile(join(dirs.referenceDir, s.reference.file), 'x');
    await writeFile(join(dirs.modelsDir, s.extractor.file), 'y');
    const pinned = { ...s, extractor: { ...s.extractor, sha256: 'f'.repeat(64) } };
    const a = await availability(pinned, dirs, { verify: true });
    if (a.available) throw new Error('expected unavailable');
    expect(a.missing.map((m) => m.problem)).toEqual(['sha256-not-pinned', 'sha256-mismatch']);
    expect(a.message).toMatch(/no pinned sha256/);
    expect(a.message).toMatch(/wrong sha256/);
  });

  it('does not throw when the directories themselves do not exist or are files', async () => {
    await writeFile(join(dir, 'file'), '');
    const weird = { referenceDir: join(dir, 'file'), modelsDir: join(dir, 'nope', 'deeper') };
    const a = await availability(findSuite('imagenet-512-uncond')!, weird);
    expect(a.available).toBe(false);
  });
});
