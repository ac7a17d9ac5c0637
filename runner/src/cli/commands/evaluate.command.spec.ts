// `genbench evaluate` on a suite whose files are not on this machine, through bin/genbench.js: the exit code
// and what reaches the terminal are the contract.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyGenerator } from '../../onnx/models/tiny-generator.js';

const BIN = join(import.meta.dirname, '../../../../bin/genbench.js');

describe('genbench evaluate --suite <a suite this machine lacks the files of>', () => {
  let dir: string;
  const env = () => ({
    ...process.env,
    GENBENCH_REFERENCE_DIR: join(dir, 'reference'),
    GENBENCH_MODELS_DIR: join(dir, 'models'),
    GENBENCH_DATASETS_DIR: join(dir, 'datasets'),
  });
  const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'evaluate', ...args], { env: env() });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-evaluate-cli-'));
    await writeFile(join(dir, 'g.onnx'), buildTinyGenerator({ noiseDim: 16, resolution: 64, classes: 0, seed: 1, quality: 1 }));
    const manifest = {
      name: 'g64',
      kind: 'generator',
      resolution: 64,
      classes: 0,
      inputs: { noise: 'z' },
      outputs: { images: 'images' },
      noise_dim: 16,
      output_range: [-1, 1],
    };
    await writeFile(join(dir, 'g.json'), JSON.stringify(manifest));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('says why in one line, then what to download and where (the Inception by its export command), exit code 2, no stack', async () => {
    const r = await run('--model', join(dir, 'g.onnx'), '--manifest', join(dir, 'g.json'), '--suite', 'imagenet-64-uncond');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^genbench: suite imagenet-64-uncond v\d+ cannot run here; 2 files it needs:$/);
    expect(lines.slice(1)).toEqual([
      `  VIRTUAL_imagenet64_labeled.npz missing: download it from https://openaipublic.blob.core.windows.net/diffusion/jul-2021/ref_batches/imagenet/64/VIRTUAL_imagenet64_labeled.npz and put it at ${join(dir, 'reference', 'VIRTUAL_imagenet64_labeled.npz')}`,
      `  inception-2015-12-05.onnx missing: download https://openaipublic.blob.core.windows.net/diffusion/jul-2021/ref_batches/classify_image_graph_def.pb and convert it with \`genbench export-inception --pb classify_image_graph_def.pb --out ${join(dir, 'models', 'inception-2015-12-05.onnx')}\``,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names a segmentation suite's missing dataset the same way", async () => {
    const r = await run('--model', join(dir, 'g.onnx'), '--manifest', join(dir, 'g.json'), '--suite', 'cocostuff27-dataset');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^genbench: suite cocostuff27-dataset v\d+ cannot run here: its dataset \(cocostuff27, /);
    expect(r.stderr).toContain(join(dir, 'datasets'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
