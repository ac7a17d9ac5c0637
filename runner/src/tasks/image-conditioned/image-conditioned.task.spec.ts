import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import type { Manifest } from '../../../../contracts/manifest/manifest.schemas.js';
import { defineSuite } from '../../../../contracts/suites/suite.schemas.js';
import smokeCanny from '../../../../benchmarks/image-conditioned/smoke-canny-32.suite.js';
import smokeSr4 from '../../../../benchmarks/image-conditioned/smoke-sr4-32.suite.js';
import ip2pTest from '../../../../benchmarks/image-conditioned/instructpix2pix-test-5k-512.suite.js';
import smokeEdit from '../../../../benchmarks/image-conditioned/smoke-edit-32.suite.js';
import smokeTranslate from '../../../../benchmarks/image-conditioned/smoke-translate-32.suite.js';
import {
  buildChannelTranslator,
  buildResizeRestorer,
  exampleRestorerManifest,
  exampleTranslatorManifest,
} from '../../../../benchmarks/image-conditioned/example-models.js';
import { remapSources } from '../../conditions/paired-sources.js';
import { syntheticEdits } from '../../conditions/synthetic-edits.js';
import { degrade } from '../../conditions/degradations.js';
import { quantiseNchw, suiteInputs, toModelSpace, writeSuiteInputs } from '../../conditions/suite-inputs.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { readNpz, writeNpz } from '../../io/npz.js';
import { imageFidelity } from '../../metrics/image-fidelity.js';
import { LpipsConfigError, LpipsNetwork } from '../../metrics/lpips-network.js';
import { makeSyntheticImages } from '../../onnx/models/synthetic-images.js';
import { runEvaluation } from '../evaluate.js';
import type { EvaluationOutput } from '../task-family.js';

const assetDirs = loadAssetDirs({});
const score = (out: EvaluationOutput, id: string) => out.metrics.find((m) => m.id === id)!.value;
const run = (manifest: Manifest, model: Uint8Array, modelPath?: string, suite = smokeSr4) =>
  runEvaluation({ model, manifest, suite, assetDirs, modelPath });

describe('image-conditioned task family (smoke-sr4-32)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imgcond-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('conditions are DDRM block averages of the targets with noise seeded per index, published as uint8 and exact float32', async () => {
    const inputs = await suiteInputs(smokeSr4);
    expect(inputs).toMatchObject({ count: 64, side: 8, resolution: 32 });
    const targets = makeSyntheticImages({ n: 64, resolution: 32, seed: 5 });
    expect(inputs.targets).toEqual(targets);
    // Condition 10 alone, computed as image 10 of the suite, is the same as in the whole batch.
    const one = degrade(
      { degradation: { kind: 'sr-block-average', factor: 4 }, sigma_y: 0.05 },
      toModelSpace(targets.subarray(10 * 32 * 32 * 3, 11 * 32 * 32 * 3), 1, 32),
      1,
      32,
      0,
      10,
    );
    expect(inputs.conditions.subarray(10 * 192, 11 * 192)).toEqual(one);
    const path = join(dir, 'inputs.npz');
    await writeSuiteInputs(path, inputs);
    const npz = await readNpz(path);
    expect(npz.arr_0!.shape).toEqual([64, 8, 8, 3]);
    expect(npz.arr_1!.shape).toEqual([64, 3, 8, 8]);
    expect(npz.arr_1!.data).toEqual(inputs.conditions);
    expect(npz.arr_0!.data).toEqual(quantiseNchw(inputs.conditions, 64, 8));
  });

  it('a bilinear upsampler beats nearest-neighbour block copies on PSNR, SSIM and stand-in LPIPS, and scores equal the reference metric of its outputs (PSNR 1e-10, LPIPS 1e-9)', async () => {
    const bilinear = await run(exampleRestorerManifest('bilinear'), buildResizeRestorer('linear'));
    const nearest = await run(exampleRestorerManifest('nearest'), buildResizeRestorer('nearest'));
    expect(bilinear.metrics.map((m) => m.id)).toEqual(['psnr', 'ssim', 'fid', 'kid', 'lpips']);
    expect(score(bilinear, 'psnr')).toBeGreaterThan(score(nearest, 'psnr') + 0.5);
    expect(score(bilinear, 'ssim')).toBeGreaterThan(score(nearest, 'ssim'));
    // LPIPS is a distance: lower ranks higher.
    expect(score(bilinear, 'lpips')).toBeLessThan(score(nearest, 'lpips'));
    expect(score(bilinear, 'lpips')).toBeGreaterThan(0);
    for (const m of bilinear.metrics) expect(Number.isFinite(m.value), m.id).toBe(true);
    expect(bilinear.protocol).toMatchObject({ conditionSize: 8, samples: 64, condition: smokeSr4.condition });
    // The same outputs as a sample batch answering the published inputs score the same (within float32 of the model).
    const inputs = await suiteInputs(smokeSr4);
    const outputs: Uint8Array[] = [];
    await runEvaluation({
      model: buildResizeRestorer('linear'),
      manifest: exampleRestorerManifest('bilinear'),
      suite: smokeSr4,
      assetDirs,
      onSamples: (b) => void outputs.push(b.images.slice()),
    });
    const all = new Uint8Array(64 * 32 * 32 * 3);
    let at = 0;
    for (const o of outputs) all.set(o, (at += o.length) - o.length);
    const ref = imageFidelity({ data: all, count: 64, height: 32, width: 32 }, { data: inputs.targets, count: 64, height: 32, width: 32 });
    expect(score(bilinear, 'psnr')).toBeCloseTo(ref.psnr, 10);
    const network = await LpipsNetwork.builtin(7);
    try {
      const d = await network.distances(
        { data: all, count: 64, height: 32, width: 32 },
        { data: inputs.targets, count: 64, height: 32, width: 32 },
      );
      expect(Math.abs(score(bilinear, 'lpips') - d.reduce((a, b) => a + b, 0) / 64)).toBeLessThan(1e-9);
    } finally {
      await network.close();
    }
    const path = join(dir, 'bilinear.npz');
    await writeNpz(path, { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: all } });
    const batch = await run({ name: 'b', kind: 'samples', resolution: 32, classes: 0, conditions: 'smoke-sr4-32' }, new Uint8Array(), path);
    expect(score(batch, 'psnr')).toBeCloseTo(score(bilinear, 'psnr'), 10);
    expect(score(batch, 'ssim')).toBeCloseTo(score(bilinear, 'ssim'), 10);
  });

  it('LPIPS configured by path: an absent network makes the evaluation unavailable, saying what to download', async () => {
    const suite = { ...smokeSr4, lpips: { type: 'manifest' as const, file: 'lpips/absent-lpips.json' } };
    await expect(run(exampleRestorerManifest('bilinear'), buildResizeRestorer('linear'), undefined, suite)).rejects.toThrow(
      /LPIPS manifest .*absent-lpips\.json.*scripts\/export_lpips\.py/,
    );
    await expect(run(exampleRestorerManifest('bilinear'), buildResizeRestorer('linear'), undefined, suite)).rejects.toBeInstanceOf(
      LpipsConfigError,
    );
  });

  it('refuses, as the model’s fault, an output of another size, a batch of another count and a model for other conditions', async () => {
    await expect(run(exampleRestorerManifest('x2'), buildResizeRestorer('linear', 2))).rejects.toThrow(
      /answered float32 \[32, 3, 16, 16\] for 32 conditions of 3×8×8; the targets need float32 \[32, 3, 32, 32\]/,
    );
    const path = join(dir, 'short.npz');
    await writeNpz(path, { arr_0: { dtype: 'uint8', shape: [63, 32, 32, 3], data: new Uint8Array(63 * 32 * 32 * 3) } });
    await expect(
      run({ name: 'b', kind: 'samples', resolution: 32, classes: 0, conditions: 'smoke-sr4-32' }, new Uint8Array(), path),
    ).rejects.toThrow(/holds 63 images; smoke-sr4-32 publishes 64 inputs/);
    await expect(run(exampleRestorerManifest('wrong', 32, 16), buildResizeRestorer('linear', 2, 16))).rejects.toBeInstanceOf(ModelFailure);
  });

  it('Canny control: the source images score edge F1 = 1 exactly; a model redrawing the map beats one that ignores it', async () => {
    const targets = join(dir, 'targets.npz');
    await writeNpz(targets, {
      arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: makeSyntheticImages({ n: 64, resolution: 32, seed: 5 }) },
    });
    const batch = (name: string) => ({ name, kind: 'samples' as const, resolution: 32, classes: 0, conditions: 'smoke-canny-32' });
    const sources = await run(batch('sources'), new Uint8Array(), targets, smokeCanny);
    expect(sources.metrics.map((m) => m.id)).toEqual(['edge_f1', 'fid', 'kid', 'lpips']);
    expect(score(sources, 'edge_f1')).toBe(1);
    expect(score(sources, 'lpips')).toBe(0);
    expect(score(sources, 'fid')).toBeLessThan(1e-3);
    // The control map itself (edges white on black) against a flat grey image with no edges at all.
    const manifest = { ...exampleRestorerManifest('edges', 32, 32), task: 'controllable-generation' as const };
    const drawn = await run(manifest, buildResizeRestorer('nearest', 1, 32), undefined, smokeCanny);
    const path = join(dir, 'grey.npz');
    await writeNpz(path, { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: new Uint8Array(64 * 32 * 32 * 3).fill(128) } });
    const grey = await run(batch('grey'), new Uint8Array(), path, smokeCanny);
    expect(score(grey, 'edge_f1')).toBeLessThan(score(drawn, 'edge_f1'));
  });

  it('paired translation: the sources are the remapped targets; inverting the remap beats the identity (PSNR by > 10 dB, SSIM, FID)', async () => {
    const inputs = await suiteInputs(smokeTranslate);
    expect(inputs).toMatchObject({ count: 64, side: 32, resolution: 32 });
    const targets = makeSyntheticImages({ n: 64, resolution: 32, seed: 5 });
    expect(inputs.conditions).toEqual(toModelSpace(remapSources('channel-rotate', targets), 64, 32));
    const invert = await run(exampleTranslatorManifest('invert'), buildChannelTranslator('invert'), undefined, smokeTranslate);
    const identity = await run(exampleTranslatorManifest('identity'), buildChannelTranslator('identity'), undefined, smokeTranslate);
    expect(invert.metrics.map((m) => m.id)).toEqual(['psnr', 'ssim', 'fid', 'kid']);
    for (const m of [...invert.metrics, ...identity.metrics]) expect(Number.isFinite(m.value), m.id).toBe(true);
    expect(score(invert, 'psnr')).toBeGreaterThan(score(identity, 'psnr') + 10);
    expect(score(invert, 'ssim')).toBeGreaterThan(score(identity, 'ssim'));
    expect(score(invert, 'fid')).toBeLessThan(score(identity, 'fid'));
    // A sample batch of the targets themselves is the exact translation: PSNR at its 100 dB cap.
    const path = join(dir, 'translate-targets.npz');
    await writeNpz(path, { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: targets } });
    const exact = await run(
      { name: 't', kind: 'samples', resolution: 32, classes: 0, conditions: 'smoke-translate-32' },
      new Uint8Array(),
      path,
      smokeTranslate,
    );
    expect(score(exact, 'psnr')).toBe(100);
    expect(score(exact, 'psnr')).toBeGreaterThanOrEqual(score(invert, 'psnr'));
  });

  it('instruction editing: the edit beats returning the input on CLIP directional similarity, and the input wins CLIP-I (exact 1 and 0 within 1e-6)', async () => {
    const inputs = await suiteInputs(smokeEdit);
    expect(inputs.edits!.instructions[0]).toMatch(/^make the (circle|square|diamond|cross) [a-z]+$/);
    const path = join(dir, 'edit-inputs.npz');
    await writeSuiteInputs(path, inputs);
    const npz = await readNpz(path);
    expect(new TextDecoder().decode(npz.instructions!.data as Uint8Array).split('\n')).toEqual(inputs.edits!.instructions);
    const batch = async (name: string, data: Uint8Array) => {
      const p = join(dir, `${name}.npz`);
      await writeNpz(p, { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data } });
      return run({ name, kind: 'samples', resolution: 32, classes: 0, conditions: 'smoke-edit-32' }, new Uint8Array(), p, smokeEdit);
    };
    const edited = await batch('edited', inputs.targets);
    const unchanged = await batch('unchanged', npz.arr_0!.data as Uint8Array);
    expect(edited.metrics.map((m) => m.id)).toEqual(['clip_directional', 'clip_i', 'psnr', 'ssim']);
    expect(score(edited, 'clip_directional')).toBeGreaterThan(score(unchanged, 'clip_directional') + 0.3);
    expect(Math.abs(score(unchanged, 'clip_directional'))).toBeLessThan(1e-6);
    expect(score(unchanged, 'clip_i')).toBeCloseTo(1, 6);
    expect(score(unchanged, 'clip_i')).toBeGreaterThan(score(edited, 'clip_i'));
    expect(score(edited, 'psnr')).toBe(100);
    expect(score(edited, 'psnr')).toBeGreaterThan(score(unchanged, 'psnr'));
    // A real edit set is configured by path: without its files it is unavailable, saying what is missing.
    await expect(suiteInputs(ip2pTest, assetDirs)).rejects.toThrow(/ip2p-test-5k/);
  });

  it('a file-based edit set (sources and targets batches, instructions, caption pairs) gives the same inputs and scores as the same edits drawn by the harness', async () => {
    const edits = await suiteInputs(smokeEdit);
    const refDir = await mkdtemp(join(tmpdir(), 'edit-files-'));
    // The harness's own uint8 sources (smoke-edit-32: prompt seed 0, targets drawn with seed 1).
    const { sources } = syntheticEdits(64, 32, 0, 1);
    await writeNpz(join(refDir, 'sources.npz'), { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: sources } });
    await writeNpz(join(refDir, 'targets.npz'), { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: edits.targets } });
    await writeFile(join(refDir, 'instructions.txt'), `${edits.edits!.instructions.join('\n')}\n`);
    // CRLF line ends, as a file prepared on another system may have.
    await writeFile(join(refDir, 'captions.tsv'), edits.edits!.before.map((b, i) => `${b}\t${edits.edits!.after[i]}`).join('\r\n'));
    const pin = async (file: string) => ({
      file,
      sha256: createHash('sha256')
        .update(await readFile(join(refDir, file)))
        .digest('hex'),
      source: 'https://example.org/test-edits',
    });
    const fileSuite = defineSuite({
      ...smokeEdit,
      id: 'file-edit-test',
      condition: {
        kind: 'edit-instruction',
        sources: { type: 'adm-reference-batch', ...(await pin('sources.npz')) },
        instructions: await pin('instructions.txt'),
        captions: await pin('captions.tsv'),
      },
      targets: { type: 'adm-reference-batch', ...(await pin('targets.npz')) },
    });
    const dirs = { ...assetDirs, referenceDir: refDir };
    try {
      const fromFiles = await suiteInputs(fileSuite, dirs);
      expect(fromFiles.edits).toEqual(edits.edits);
      // Compared as booleans: a failing toEqual on 200k-element arrays takes minutes to print.
      expect(Buffer.from(fromFiles.targets).equals(Buffer.from(edits.targets))).toBe(true);
      expect(Buffer.from(fromFiles.conditions.buffer).equals(Buffer.from(edits.conditions.buffer))).toBe(true);
      const p = join(dir, 'file-edited.npz');
      await writeNpz(p, { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: edits.targets } });
      const manifest = { name: 'file-edited', kind: 'samples' as const, resolution: 32, classes: 0, conditions: 'file-edit-test' };
      const viaFiles = await runEvaluation({ model: new Uint8Array(), manifest, suite: fileSuite, assetDirs: dirs, modelPath: p });
      const viaHarness = await run({ ...manifest, conditions: 'smoke-edit-32' }, new Uint8Array(), p, smokeEdit);
      expect(viaFiles.metrics).toEqual(viaHarness.metrics);
      // A caption line without its tab is the suite's fault, naming the line.
      await writeFile(join(refDir, 'captions.tsv'), 'a red circle on a blue background\n');
      const broken = defineSuite({
        ...fileSuite,
        condition: { ...fileSuite.condition, captions: await pin('captions.tsv') } as typeof fileSuite.condition,
      });
      await expect(suiteInputs(broken, dirs)).rejects.toThrow(/holds 1 caption pairs; the suite scores 64/);
    } finally {
      await rm(refDir, { recursive: true, force: true });
    }
  });
});
