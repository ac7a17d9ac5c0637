import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAssetDirs, type AssetDirs } from '../../../contracts/assets/asset-dirs.js';
import {
  isImageConditionedSuite,
  type ImageConditionedSuiteDefinition,
} from '../../../contracts/suites/image-conditioned-suite.schemas.js';
import { findSuite } from '../../../benchmarks/index.js';
import { availability } from './availability.js';

// smoke-sr4-32 needs no file of its own (synthetic targets, built-in extractor and LPIPS stand-in), so naming an
// LPIPS manifest instead makes the LPIPS files the only ones its availability depends on.
function smokeWithLpips(file: string, metrics?: ImageConditionedSuiteDefinition['metrics']): ImageConditionedSuiteDefinition {
  const s = findSuite('smoke-sr4-32');
  if (!s || !isImageConditionedSuite(s)) throw new Error('smoke-sr4-32 is not an image-conditioned suite');
  return { ...s, lpips: { type: 'manifest', file }, metrics: metrics ?? s.metrics };
}

const MANIFEST = {
  name: 'lpips-alex-v0.1',
  kind: 'lpips',
  network: { file: 'lpips_alex.onnx', input: 'images', layers: ['feat0', 'feat1', 'feat2', 'feat3', 'feat4'] },
  lin: { file: 'lpips_alex_lin.npz' },
};

describe('availability of an LPIPS network by path', () => {
  let dir: string;
  let dirs: AssetDirs;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-lpips-availability-'));
    dirs = loadAssetDirs({ GENBENCH_REFERENCE_DIR: join(dir, 'reference'), GENBENCH_MODELS_DIR: join(dir, 'models') });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('needs no file for the built-in stand-in, nor for a manifest the suite names but does not score lpips with', async () => {
    expect(await availability(findSuite('smoke-sr4-32')!, dirs)).toEqual({ available: true });
    expect(await availability(smokeWithLpips('lpips/lpips_alex.json', ['psnr', 'ssim']), dirs)).toEqual({ available: true });
  });

  it('lists an absent manifest under the models directory, saying to export it with scripts/export_lpips.py', async () => {
    const a = await availability(smokeWithLpips('lpips/lpips_alex.json'), dirs);
    if (a.available) throw new Error('expected unavailable');
    const path = join(dirs.modelsDir, 'lpips', 'lpips_alex.json');
    expect(a.missing).toEqual([
      { file: 'lpips/lpips_alex.json', expectedPath: path, source: 'scripts/export_lpips.py', kind: 'model', problem: 'absent' },
    ]);
    expect(a.message).toContain(
      `lpips/lpips_alex.json missing: make it with \`python scripts/export_lpips.py --net alex --out-dir ${join(dirs.modelsDir, 'lpips')}\``,
    );
    expect(a.message).toContain('pip install lpips torch torchvision onnx');
  });

  it('once the manifest is there, lists the network and lin weights it names (relative to it) that are absent, then none', async () => {
    const suite = smokeWithLpips('lpips/lpips_alex.json');
    await mkdir(join(dirs.modelsDir, 'lpips'), { recursive: true });
    await writeFile(join(dirs.modelsDir, 'lpips', 'lpips_alex.json'), JSON.stringify(MANIFEST));
    const a = await availability(suite, dirs);
    if (a.available) throw new Error('expected unavailable');
    expect(a.missing.map((m) => [m.file, m.expectedPath, m.kind, m.problem])).toEqual([
      ['lpips/lpips_alex.onnx', join(dirs.modelsDir, 'lpips', 'lpips_alex.onnx'), 'model', 'absent'],
      ['lpips/lpips_alex_lin.npz', join(dirs.modelsDir, 'lpips', 'lpips_alex_lin.npz'), 'model', 'absent'],
    ]);
    expect(a.message).toMatch(/2 files it needs/);

    await writeFile(join(dirs.modelsDir, 'lpips', 'lpips_alex.onnx'), 'not checked: presence only');
    const b = await availability(suite, dirs);
    if (b.available) throw new Error('expected unavailable');
    expect(b.missing.map((m) => m.file)).toEqual(['lpips/lpips_alex_lin.npz']);

    await writeFile(join(dirs.modelsDir, 'lpips', 'lpips_alex_lin.npz'), 'not checked: presence only');
    expect(await availability(suite, dirs)).toEqual({ available: true });
    // No checksum is pinned for exported files: verifying hashes nothing of them.
    expect(await availability(suite, dirs, { verify: true })).toEqual({ available: true });
  });

  it('names a network file the export script did not name as it does, with where the manifest puts it', async () => {
    await mkdir(join(dirs.modelsDir, 'nets'), { recursive: true });
    await writeFile(
      join(dirs.modelsDir, 'nets', 'mine.json'),
      JSON.stringify({ ...MANIFEST, network: { ...MANIFEST.network, file: 'alex.onnx' } }),
    );
    await writeFile(join(dirs.modelsDir, 'nets', 'lpips_alex_lin.npz'), '');
    const a = await availability(smokeWithLpips('nets/mine.json'), dirs);
    if (a.available) throw new Error('expected unavailable');
    expect(a.missing.map((m) => m.file)).toEqual(['nets/alex.onnx']);
    expect(a.message).toContain(`put it at ${join(dirs.modelsDir, 'nets', 'alex.onnx')}, the name its LPIPS manifest gives it`);
  });

  it('reports a manifest that does not parse, naming the field', async () => {
    await mkdir(join(dirs.modelsDir, 'lpips'), { recursive: true });
    await writeFile(join(dirs.modelsDir, 'lpips', 'lpips_alex.json'), JSON.stringify({ ...MANIFEST, lin: undefined }));
    const a = await availability(smokeWithLpips('lpips/lpips_alex.json'), dirs);
    if (a.available) throw new Error('expected unavailable');
    expect(a.missing.map((m) => [m.file, m.problem])).toEqual([['lpips/lpips_alex.json', 'invalid-manifest']]);
    expect(a.message).toMatch(/lpips\/lpips_alex\.json is not a valid LPIPS manifest \(invalid LPIPS manifest: lin: .*\): make it with/);
  });
});

describe('availability of a captioned control suite', () => {
  it('lists the captions file beside the image batch, the Inception and the CLIP (coco-val-canny-512 v2), all under their directories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'genbench-captions-availability-'));
    try {
      const dirs = loadAssetDirs({ GENBENCH_REFERENCE_DIR: join(dir, 'reference'), GENBENCH_MODELS_DIR: join(dir, 'models') });
      const a = await availability(findSuite('coco-val-canny-512')!, dirs);
      expect(a.available).toBe(false);
      if (a.available) return;
      expect(a.missing.map((m) => [m.file, m.kind]).sort()).toEqual(
        [
          ['coco2017-val-5k-512.npz', 'reference'],
          ['coco2017-val-5k-captions.txt', 'reference'],
          ['inception-2015-12-05.onnx', 'model'],
          ['clip-vit-large-patch14-vision.onnx', 'model'],
          ['clip-vit-large-patch14-text.onnx', 'model'],
          ['clip-vit-large-patch14-tokenizer.json', 'model'],
        ].sort(),
      );
      expect(a.missing.find((m) => m.file === 'coco2017-val-5k-captions.txt')!.source).toMatch(/annotations_trainval2017\.zip/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
