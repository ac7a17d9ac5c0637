// `genbench sample` end to end: the project's Gaussian denoiser graph in, an ADM-style .npz out.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readNpz } from '../../io/npz.js';
import { buildGaussianDenoiser } from '../../onnx/models/gaussian-denoiser.js';
import { buildLearnedVarianceDenoiser, buildLinearClassifier } from '../../../../test/support/onnx-models/adm-test-models.js';
import { openSession } from '../../evaluation/onnx-session.js';
import { ClassifierGradientModel } from '../../evaluation/sources/classifier-gradient.js';
import { DenoiserSource, OnnxDenoiser } from '../../evaluation/sources/denoiser-source.js';
import { DenoiserManifest } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import { SamplerParams } from '../../../../contracts/sampling/sampler-plan.js';
import { CliError } from '../cli-error.js';
import { register } from './sample.command.js';

const R = 8;
const P = 3 * R * R;
const vp = { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 } as const;

async function run(...args: string[]): Promise<void> {
  const program = new Command('genbench').exitOverride();
  register(program);
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['sample', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
}

describe('genbench sample', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-sample-cli-'));
    const means = Float32Array.from({ length: 4 * P }, (_, i) => 0.5 * Math.sin(i * 0.1));
    await writeFile(
      path('cond.onnx'),
      buildGaussianDenoiser({ schedule: vp, timeInput: 'sigma', prediction: 'eps', shape: [3, R, R], mean: means, std: 0.3, classes: 3 }),
    );
    await writeFile(
      path('cond.json'),
      JSON.stringify({
        name: 'cond',
        kind: 'denoiser',
        resolution: R,
        classes: 3,
        channels: 3,
        inputs: { x: 'x_t', t: 't', class: 'y' },
        outputs: { prediction: 'out' },
        prediction: 'eps',
        schedule: vp,
        time_input: 'sigma',
        null_class: 3,
        output_range: [-1, 1],
      }),
    );
    const flow = { kind: 'linear-interpolant' } as const;
    await writeFile(
      path('flow.onnx'),
      buildGaussianDenoiser({
        schedule: flow,
        timeInput: 't',
        prediction: 'velocity',
        shape: [3, R, R],
        mean: means.subarray(0, P),
        std: 0.3,
      }),
    );
    await writeFile(
      path('flow.json'),
      JSON.stringify({
        name: 'flow',
        kind: 'denoiser',
        resolution: R,
        classes: 0,
        channels: 3,
        inputs: { x: 'x_t', t: 't' },
        outputs: { prediction: 'out' },
        prediction: 'velocity',
        schedule: flow,
        time_input: 't',
        output_range: [-1, 1],
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes arr_0 uint8 NHWC and arr_1 int64 labels, the same whatever the batch size', async () => {
    const common = [
      '--model',
      path('cond.onnx'),
      '--manifest',
      path('cond.json'),
      '--n',
      '20',
      '--seed',
      '5',
      '--solver',
      'heun',
      '--steps',
      '5',
      '--guidance',
      '1.5',
    ];
    await run(...common, '--batch-size', '7', '--out', path('a.npz'));
    await run(...common, '--out', path('b.npz'));
    const a = await readNpz(path('a.npz'));
    const b = await readNpz(path('b.npz'));
    expect(a.arr_0).toMatchObject({ dtype: 'uint8', shape: [20, R, R, 3] });
    expect(a.arr_1).toMatchObject({ dtype: 'int64', shape: [20] });
    expect(Buffer.from(a.arr_0!.data as Uint8Array).equals(Buffer.from(b.arr_0!.data as Uint8Array))).toBe(true);
    expect([...(a.arr_1!.data as BigInt64Array)]).toEqual([...(b.arr_1!.data as BigInt64Array)]);
    expect(new Set((a.arr_1!.data as BigInt64Array).values()).size).toBeGreaterThan(1);

    await run(...common, '--class', '2', '--out', path('c.npz'));
    const c = await readNpz(path('c.npz'));
    expect([...(c.arr_1!.data as BigInt64Array)].every((v) => v === 2n)).toBe(true);
  });

  it('maps flow-euler onto the Euler solver of the linear interpolant, and refuses it elsewhere', async () => {
    const common = ['--model', path('flow.onnx'), '--manifest', path('flow.json'), '--n', '6', '--steps', '10'];
    await run(...common, '--solver', 'flow-euler', '--out', path('f.npz'));
    await run(...common, '--solver', 'euler', '--out', path('e.npz'));
    const f = await readNpz(path('f.npz'));
    expect(Object.keys(f)).toEqual(['arr_0']);
    expect(Buffer.from(f.arr_0!.data as Uint8Array).equals(Buffer.from((await readNpz(path('e.npz'))).arr_0!.data as Uint8Array))).toBe(
      true,
    );
    await expect(
      run('--model', path('cond.onnx'), '--manifest', path('cond.json'), '--n', '2', '--solver', 'flow-euler', '--out', path('x.npz')),
    ).rejects.toThrow(/flow-euler is the Euler solver on a linear-interpolant schedule/);
  });

  it('refuses settings the sampler cannot honour, writing nothing', async () => {
    await expect(
      run('--model', path('flow.onnx'), '--manifest', path('flow.json'), '--n', '2', '--solver', 'rk4', '--out', path('y.npz')),
    ).rejects.toThrow(CliError);
    await expect(
      run('--model', path('flow.onnx'), '--manifest', path('flow.json'), '--n', '2', '--guidance', '3', '--out', path('y.npz')),
    ).rejects.toThrow(/classifier-free guidance/);
    await expect(
      run('--model', path('flow.onnx'), '--manifest', path('flow.json'), '--n', '2', '--class', '1', '--out', path('y.npz')),
    ).rejects.toThrow(/unconditional/);
    await expect(readNpz(path('y.npz'))).rejects.toThrow();
  });

  it("refuses --guidance in its own terms (the flag, the manifest), not a suite's, with exit code 2", async () => {
    const flow = ['--model', path('flow.onnx'), '--manifest', path('flow.json'), '--n', '2', '--out', path('g.npz')];
    const unconditional = await run(...flow, '--guidance', '2').catch((err: unknown) => err);
    expect(unconditional).toBeInstanceOf(CliError);
    expect((unconditional as CliError).exitCode).toBe(2);
    expect((unconditional as Error).message).toBe(
      `--guidance 2 asks for classifier-free guidance, which needs a class-conditional model; flow is unconditional (classes 0 in ${path('flow.json')}): leave --guidance at 1`,
    );
    expect((unconditional as Error).message).not.toMatch(/suite/);

    const { null_class: _, ...noNull } = JSON.parse(await readFile(path('cond.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path('cond-no-null.json'), JSON.stringify(noNull));
    const cond = ['--model', path('cond.onnx'), '--manifest', path('cond-no-null.json'), '--n', '2', '--out', path('g.npz')];
    await expect(run(...cond, '--guidance', '1.5')).rejects.toThrow(
      `--guidance 1.5 asks for classifier-free guidance, which needs the manifest to declare null_class (the label the model reads as "no class"); ${path('cond-no-null.json')} has none: add it, or leave --guidance at 1`,
    );
    await expect(readNpz(path('g.npz'))).rejects.toThrow();
  });

  describe('an ADM-G denoiser (learned variances) with --classifier', () => {
    const admManifest = {
      name: 'adm-like',
      kind: 'denoiser',
      resolution: R,
      classes: 4,
      channels: 3,
      inputs: { x: 'x_t', t: 't', class: 'y' },
      outputs: { prediction: 'out' },
      prediction: 'eps',
      schedule: vp,
      time_input: 'index',
      output_range: [-1, 1],
      variance: 'learned-range',
      classifier: { inputs: { x: 'x', t: 't', class: 'y' }, outputs: { gradient: 'grad' } },
    };
    const adm = () => ['--model', path('adm.onnx'), '--manifest', path('adm.json'), '--n', '5', '--seed', '2', '--batch-size', '3'];
    const guided = ['--solver', 'ddpm', '--steps', '25', '--respacing', '25', '--classifier-scale', '2', '--clip-denoised'];
    beforeAll(async () => {
      await writeFile(path('adm.onnx'), buildLearnedVarianceDenoiser({ shape: [3, R, R], classes: 4, k: 0.3, v0: 0.25 }));
      await writeFile(path('adm.json'), JSON.stringify(admManifest));
      await writeFile(path('clf.onnx'), buildLinearClassifier({ shape: [3, R, R], a: -0.5, b: 0.2 }));
    });

    it('samples as a runner does on an ADM-G suite: ddpm, respaced 25, learned variance, classifier scale 2, clipped x̂0', async () => {
      await run(...adm(), ...guided, '--classifier', path('clf.onnx'), '--out', path('adm-g.npz'));
      const out = await readNpz(path('adm-g.npz'));
      expect(out.arr_0!.shape).toEqual([5, R, R, 3]);

      // The same images as the runner's own source with the same sampler settings and classifier.
      const manifest = DenoiserManifest.parse(admManifest);
      const opened = await openSession(await readFile(path('adm.onnx')));
      const grad = await ClassifierGradientModel.open(await readFile(path('clf.onnx')), manifest);
      try {
        const source = new DenoiserSource(new OnnxDenoiser(opened.session, manifest), manifest, {
          n: 5,
          seed: 2,
          batchSize: 5,
          sampler: SamplerParams.parse({ solver: 'ddpm', steps: 25, respacing: '25', classifier_scale: 2, clip_denoised: true }),
          classifier: grad,
        });
        const images: number[] = [];
        const labels: bigint[] = [];
        for await (const b of source.batches()) {
          images.push(...b.images);
          labels.push(...Array.from(b.labels!, (l) => BigInt(l)));
        }
        expect(Buffer.from(out.arr_0!.data as Uint8Array).equals(Buffer.from(Uint8Array.from(images)))).toBe(true);
        expect(Array.from(out.arr_1!.data as BigInt64Array)).toEqual(labels);
      } finally {
        await opened.session.release();
        await grad.close();
      }

      // The classifier did something: scale 0 gives other images.
      await run(
        ...adm(),
        ...guided.slice(0, -3),
        '--classifier-scale',
        '0',
        '--clip-denoised',
        '--classifier',
        path('clf.onnx'),
        '--out',
        path('adm-0.npz'),
      );
      const unguided = (await readNpz(path('adm-0.npz'))).arr_0!.data as Uint8Array;
      expect(Buffer.from(unguided).equals(Buffer.from(out.arr_0!.data as Uint8Array))).toBe(false);
    });

    it('says which flag or file is missing, writing nothing', async () => {
      await expect(run(...adm(), '--solver', 'ddpm', '--steps', '25', '--out', path('n1.npz'))).rejects.toThrow(
        /declares a classifier: pass its gradient graph with --classifier/,
      );
      await expect(
        run(
          '--model',
          path('cond.onnx'),
          '--manifest',
          path('cond.json'),
          '--n',
          '2',
          '--classifier',
          path('clf.onnx'),
          '--out',
          path('n2.npz'),
        ),
      ).rejects.toThrow(/--classifier needs the manifest to declare its tensors/);
      await expect(run(...adm(), '--solver', 'ddpm', '--steps', '25', '--classifier-scale', '1', '--out', path('n3.npz'))).rejects.toThrow(
        /--classifier-scale guides with a classifier/,
      );
      await writeFile(path('clf-wrong.onnx'), buildLinearClassifier({ shape: [3, R, R], a: 1, b: 0, declaredShape: [3, 16, 16] }));
      await expect(run(...adm(), ...guided, '--classifier', path('clf-wrong.onnx'), '--out', path('n4.npz'))).rejects.toThrow(
        new RegExp(`^${path('clf-wrong.onnx')}: the classifier's input "x" is declared`),
      );
      await expect(
        run(...adm(), '--solver', 'heun', '--steps', '5', '--classifier', path('clf.onnx'), '--out', path('n5.npz')),
      ).rejects.toThrow(/classifier_scale and clip_denoised apply to the ddpm and ddim solvers only/);
      for (const f of ['n1', 'n2', 'n3', 'n4', 'n5']) await expect(readNpz(path(`${f}.npz`))).rejects.toThrow();
    });
  });
});
