import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSuite } from '../../../benchmarks/index.js';
import { runSegmentationEvaluation } from '../tasks/segmentation/segmentation.task.js';
import { buildConstantSegmenter, segmenterManifest } from '../onnx/models/segmentation-models.js';
import { availability } from '../suites/availability.js';
import {
  isSegmentationSuite,
  type SegmentationData,
  type SegmentationSuiteDefinition,
} from '../../../contracts/suites/segmentation-suite.schemas.js';
import { defineSuite } from '../../../contracts/suites/suite.schemas.js';
import { CITYSCAPES_ID_TO_CLASS } from './cityscapes27.js';
import { COCOSTUFF_FINE_TO_COARSE } from './cocostuff27.js';
import { centerCropOffsets, pilNearestIndices, shortSideSize } from './nearest-resize.js';
import { openSegmentationDataset } from './segmentation-dataset.js';
import { checkSegmentationDataset } from './segmentation-dataset-files.js';

const SIZE = 16;

function fakeSuite(id: string, dataset: SegmentationData): SegmentationSuiteDefinition {
  return defineSuite({
    id,
    version: 1,
    title: id,
    task: 'zero-shot-segmentation',
    resolution: SIZE,
    kinds: ['segmenter', 'extractor'],
    dataset,
    classes: 27,
    protocol: 'dataset-hungarian',
    seed: 0,
    clustering: { algorithm: 'kmeans++-lloyd', max_iterations: 50, max_points: 1000 },
    batch_size: 2,
    metrics: ['miou', 'pixel_accuracy'],
    primary: 'miou',
  });
}

// Source pixel colours that change by 9 per pixel, so a one-pixel slip shows through JPEG rounding.
const rgbAt = (x: number, y: number): [number, number, number] => [(x * 9) % 256, (y * 9) % 256, 100];

async function writeImage(path: string, width: number, height: number, format: 'jpeg' | 'png'): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(rgbAt(x, y), (y * width + x) * 3);
  const img = sharp(data, { raw: { width, height, channels: 3 } });
  await writeFile(
    path,
    format === 'jpeg' ? await img.jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer() : await img.png().toBuffer(),
  );
}

async function writeLabel(path: string, width: number, height: number, idAt: (x: number, y: number) => number): Promise<void> {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = idAt(x, y);
  await writeFile(
    path,
    await sharp(data, { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer(),
  );
}

const roundHalfEven = (v: number) => (v % 1 === 0.5 ? (Math.floor(v) % 2 === 0 ? Math.floor(v) : Math.ceil(v)) : Math.round(v));

/**
 * Where output pixel (x, y) of STEGO's transform comes from, for sizes chosen so no source position falls on
 * an integer (where float rounding could go either way): the shorter side becomes 16, Pillow NEAREST samples
 * floor((i + ½)·in/out), and the centre crop starts at Python's round((size − 16)/2).
 */
function sourceOf(width: number, height: number, x: number, y: number): [number, number] {
  const rw = width <= height ? SIZE : Math.trunc((SIZE * width) / height);
  const rh = width <= height ? Math.trunc((SIZE * height) / width) : SIZE;
  const left = roundHalfEven((rw - SIZE) / 2);
  const top = roundHalfEven((rh - SIZE) / 2);
  return [Math.floor(((x + left + 0.5) * width) / rw), Math.floor(((y + top + 0.5) * height) / rh)];
}

describe("STEGO's evaluation transform", () => {
  it('samples like Pillow NEAREST', () => {
    expect(Array.from(pilNearestIndices(4, 2))).toEqual([1, 3]);
    expect(Array.from(pilNearestIndices(2, 4))).toEqual([0, 0, 1, 1]);
    expect(Array.from(pilNearestIndices(3, 2))).toEqual([0, 2]);
    expect(Array.from(pilNearestIndices(5, 5))).toEqual([0, 1, 2, 3, 4]);
  });
  it("resizes the shorter side as torchvision Resize(int) and centre-crops with Python's round (halves to even)", () => {
    expect(shortSideSize(480, 640, 512)).toEqual({ height: 512, width: 682 });
    expect(shortSideSize(1024, 2048, 512)).toEqual({ height: 512, width: 1024 });
    expect(shortSideSize(640, 427, 512)).toEqual({ height: 767, width: 512 });
    expect(centerCropOffsets(16, 21, 16)).toEqual({ top: 0, left: 2 }); // round(2.5) = 2
    expect(centerCropOffsets(19, 16, 16)).toEqual({ top: 2, left: 0 }); // round(1.5) = 2
    expect(centerCropOffsets(512, 1024, 512)).toEqual({ top: 0, left: 256 });
  });
});

describe('label maps', () => {
  it("maps COCO-Stuff's 182 fine ids to STEGO's 27 coarse classes and ignores everything else", () => {
    // Spot checks against STEGO's fine_to_coarse (src/data.py): person, vehicles, a few stuff classes.
    const facts: Array<[number, number]> = [
      [0, 9],
      [1, 11],
      [8, 11],
      [9, 8],
      [71, 0],
      [90, 4],
      [91, 17],
      [100, 13],
      [119, 26],
      [147, 26],
      [170, 18],
      [176, 18],
      [179, 19],
      [181, 24],
    ];
    for (const [fine, coarse] of facts) expect(COCOSTUFF_FINE_TO_COARSE[fine], `fine ${fine}`).toBe(coarse);
    expect(COCOSTUFF_FINE_TO_COARSE[255]).toBe(255);
    expect(COCOSTUFF_FINE_TO_COARSE[182]).toBe(255);
    const used = new Set(Array.from(COCOSTUFF_FINE_TO_COARSE.subarray(0, 182)));
    expect([...used].sort((a, b) => a - b)).toEqual(Array.from({ length: 27 }, (_, c) => c));
    expect(Array.from(COCOSTUFF_FINE_TO_COARSE.subarray(0, 91)).every((c) => c < 12)).toBe(true);
    expect(Array.from(COCOSTUFF_FINE_TO_COARSE.subarray(91, 182)).every((c) => c >= 12 && c < 27)).toBe(true);
  });
  it('maps Cityscapes label ids 7–33 to classes 0–26 and ignores the rest', () => {
    expect(CITYSCAPES_ID_TO_CLASS[7]).toBe(0);
    expect(CITYSCAPES_ID_TO_CLASS[33]).toBe(26);
    for (const id of [0, 1, 6, 34, 255]) expect(CITYSCAPES_ID_TO_CLASS[id]).toBe(255);
  });
});

describe('COCO-Stuff-27 and Cityscapes readers on fake datasets laid out as the real ones', () => {
  let root: string;
  const COCO = { type: 'cocostuff27', split: 'val2017', list: 'Coco164kFull_Stuff_Coarse_7.txt', images: 3 } as const;
  const CITY = { type: 'cityscapes27', split: 'val', images: 3 } as const;
  // [id, width, height]: landscape, portrait, square already at 16.
  const cocoImages: Array<[string, number, number]> = [
    ['000000000139', 37, 23],
    ['000000000285', 19, 27],
    ['000000000632', 16, 16],
  ];
  const cocoFine = (x: number, y: number) => (x === 0 ? 255 : x === 1 ? 200 : (x * 7 + y * 3) % 182);
  const cityImages: Array<[string, string]> = [
    ['frankfurt', 'frankfurt_000000_000294'],
    ['frankfurt', 'frankfurt_000000_000576'],
    ['lindau', 'lindau_000000_000019'],
  ];
  const cityId = (x: number, y: number) => (x + y) % 40;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'genbench-datasets-'));
    const coco = join(root, 'cocostuff');
    await mkdir(join(coco, 'curated', 'val2017'), { recursive: true });
    await mkdir(join(coco, 'images', 'val2017'), { recursive: true });
    await mkdir(join(coco, 'annotations', 'val2017'), { recursive: true });
    await writeFile(join(coco, 'curated', 'val2017', COCO.list), cocoImages.map(([id]) => id).join('\n') + '\n');
    for (const [id, w, h] of cocoImages) {
      await writeImage(join(coco, 'images', 'val2017', `${id}.jpg`), w, h, 'jpeg');
      await writeLabel(join(coco, 'annotations', 'val2017', `${id}.png`), w, h, cocoFine);
    }
    for (const [city, name] of cityImages) {
      await mkdir(join(root, 'cityscapes', 'leftImg8bit', 'val', city), { recursive: true });
      await mkdir(join(root, 'cityscapes', 'gtFine', 'val', city), { recursive: true });
      await writeImage(join(root, 'cityscapes', 'leftImg8bit', 'val', city, `${name}_leftImg8bit.png`), 36, 18, 'png');
      await writeLabel(join(root, 'cityscapes', 'gtFine', 'val', city, `${name}_gtFine_labelIds.png`), 36, 18, cityId);
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads COCO-Stuff images and labels: shorter side to 16 by nearest neighbour, centre crop, fine → coarse', async () => {
    const ds = await openSegmentationDataset(fakeSuite('fake-coco', COCO), root);
    expect(ds.count).toBe(3);
    for (let i = 0; i < 3; i++) {
      const [, w, h] = cocoImages[i]!;
      const image = await ds.image(i);
      const label = await ds.label(i);
      expect(image.length).toBe(SIZE * SIZE * 3);
      expect(label.length).toBe(SIZE * SIZE);
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const [sx, sy] = sourceOf(w, h, x, y);
          expect(label[y * SIZE + x], `image ${i} label (${x}, ${y})`).toBe(COCOSTUFF_FINE_TO_COARSE[cocoFine(sx, sy)]);
          const [r, g] = rgbAt(sx, sy);
          // JPEG at quality 100, 4:4:4: within a few levels; a pixel's neighbour is 9 levels away.
          expect(Math.abs(image[(y * SIZE + x) * 3]! - r), `image ${i} red (${x}, ${y})`).toBeLessThanOrEqual(3);
          expect(Math.abs(image[(y * SIZE + x) * 3 + 1]! - g), `image ${i} green (${x}, ${y})`).toBeLessThanOrEqual(3);
        }
      }
    }
    // The portrait image's first columns were 255 (unlabelled) and 200 (no such id): both ignored.
    const portrait = await ds.label(1);
    expect(portrait[0]).toBe(255);
  });

  it('reads Cityscapes in sorted city/file order, ids 7–33 as classes 0–26', async () => {
    const ds = await openSegmentationDataset(fakeSuite('fake-city', CITY), root);
    expect(ds.count).toBe(3);
    const label = await ds.label(2);
    const image = await ds.image(2);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const [sx, sy] = sourceOf(36, 18, x, y);
        expect(label[y * SIZE + x]).toBe(CITYSCAPES_ID_TO_CLASS[cityId(sx, sy)]);
        expect(Array.from(image.subarray((y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3))).toEqual(rgbAt(sx, sy));
      }
    }
  });

  it('scores a model on the fake dataset end to end', async () => {
    const suite = fakeSuite('fake-coco', COCO);
    const ds = await openSegmentationDataset(suite, root);
    const totals = new Array<number>(27).fill(0);
    for (let i = 0; i < ds.count; i++) for (const g of await ds.label(i)) if (g < 27) totals[g]!++;
    const labelled = totals.reduce((a, b) => a + b, 0);
    const out = await runSegmentationEvaluation({
      model: buildConstantSegmenter({ inputSize: 8 }),
      manifest: segmenterManifest('constant', 8, 'segments'),
      suite,
      assetDirs: { referenceDir: join(root, 'reference'), modelsDir: join(root, 'models'), datasetsDir: root },
    });
    const metrics = Object.fromEntries(out.metrics.map((m) => [m.id, m.value]));
    // One segment everywhere, matched to the most frequent class of the set.
    expect(metrics.pixel_accuracy).toBeCloseTo(Math.max(...totals) / labelled, 12);
    expect(out.protocol).toMatchObject({
      protocol: 'dataset-hungarian',
      classes: 27,
      images: 3,
      input: { size: 8, resize: 'pil-bicubic' },
      output: { role: 'segments', size: [8, 8] },
    });
  });

  it('reports what is missing, where it goes and where to get it', async () => {
    const dirs = { referenceDir: join(root, 'r'), modelsDir: join(root, 'm'), datasetsDir: root };
    expect(await availability(fakeSuite('fake-coco', COCO), dirs)).toEqual({ available: true });
    expect(await availability(fakeSuite('fake-city', CITY), dirs)).toEqual({ available: true });

    const wrongCount = await checkSegmentationDataset(fakeSuite('fake-coco', { ...COCO, images: 2175 }), root);
    expect(wrongCount).toMatchObject({ ok: false, problem: expect.stringContaining('lists 3 images, not the 2175') });

    await rm(join(root, 'cocostuff', 'annotations', 'val2017', '000000000285.png'));
    const a = await availability(fakeSuite('fake-coco', COCO), dirs);
    if (a.available) throw new Error('expected unavailable');
    expect(a.missing).toEqual([
      {
        file: 'cocostuff/annotations/val2017/000000000285.png',
        expectedPath: join(root, 'cocostuff/annotations/val2017/000000000285.png'),
        source: 'http://calvin.inf.ed.ac.uk/wp-content/uploads/data/cocostuffdataset/stuffthingmaps_trainval2017.zip',
        problem: 'absent',
      },
    ]);
    expect(a.message).toContain('fake-coco v1 cannot run here');
    await expect(openSegmentationDataset(fakeSuite('fake-coco', COCO), root)).rejects.toThrow(
      /COCO-Stuff-27 is not usable: 1 of the listed images or label maps are missing/,
    );
  });

  it.each(['cocostuff27-dataset', 'cocostuff27-per-image', 'cityscapes27-dataset', 'cityscapes27-per-image'])(
    'reports %s as unavailable with what to download and where, when the datasets directory is empty',
    async (id) => {
      const suite = findSuite(id)!;
      if (!isSegmentationSuite(suite)) throw new Error('expected a segmentation suite');
      const empty = join(root, 'empty');
      const a = await availability(suite, { referenceDir: empty, modelsDir: empty, datasetsDir: empty });
      if (a.available) throw new Error('expected unavailable');
      expect(a.message).toContain(`suite ${id} v1 cannot run here`);
      expect(a.message).toContain(`$GENBENCH_DATASETS_DIR (${empty})`);
      if (id.startsWith('coco')) {
        expect(a.missing.map((m) => m.expectedPath)).toEqual([join(empty, 'cocostuff/curated/val2017/Coco164kFull_Stuff_Coarse_7.txt')]);
        expect(a.message).toContain('https://marhamilresearch4.blob.core.windows.net/stego-public/pytorch_data/cocostuff.zip');
        expect(a.message).toContain('http://images.cocodataset.org/zips/val2017.zip');
      } else {
        expect(a.missing.map((m) => m.expectedPath)).toEqual([
          join(empty, 'cityscapes/leftImg8bit/val'),
          join(empty, 'cityscapes/gtFine/val'),
        ]);
        expect(a.message).toContain('https://www.cityscapes-dataset.com/downloads/');
      }
    },
  );
});
