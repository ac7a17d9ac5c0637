import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from './manifest.schemas.js';

const denoiser = {
  name: 'tiny-ddpm',
  kind: 'denoiser',
  resolution: 32,
  classes: 0,
  channels: 3,
  inputs: { x: 'x_t', t: 't' },
  outputs: { prediction: 'out' },
  prediction: 'eps',
  schedule: { kind: 'vp-linear', beta_start: 0.0001, beta_end: 0.02, steps: 1000 },
  time_input: 'index',
  output_range: [-1, 1],
};

const latent = { shape: [4, 8, 8], scale_factor: 0.18215, decoder: { inputs: { latent: 'z' }, outputs: { images: 'images' } } };

function issuesOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    parseManifest(value);
  } catch (err) {
    if (err instanceof ManifestError) return err.issues;
    throw err;
  }
  throw new Error('expected a ManifestError');
}

describe('denoiser manifest', () => {
  it('accepts the documented examples and fills schedule defaults', () => {
    expect(parseManifest(denoiser)).toEqual({ ...denoiser, schedule: { ...denoiser.schedule, continuous: false } });
    const flow = { ...denoiser, prediction: 'velocity', schedule: { kind: 'linear-interpolant' }, time_input: 't', latent };
    expect(parseManifest(flow)).toMatchObject({ latent: { scale_factor: 0.18215 } });
    const cfg = { ...denoiser, classes: 1000, inputs: { x: 'x_t', t: 't', class: 'y' }, null_class: 1000 };
    expect(parseManifest(cfg)).toMatchObject({ null_class: 1000 });
  });

  it('rejects unknown keys anywhere: top level, schedule, latent, decoder', () => {
    expect(issuesOf({ ...denoiser, sampler: 'heun' })).toContainEqual({ path: '', message: 'Unrecognized key: "sampler"' });
    expect(issuesOf({ ...denoiser, schedule: { ...denoiser.schedule, beta_max: 1 } })[0]!.path).toBe('schedule');
    expect(issuesOf({ ...denoiser, latent: { ...latent, scale: 1 } })[0]!.path).toBe('latent');
    expect(issuesOf({ ...denoiser, latent: { ...latent, decoder: { ...latent.decoder, weights: 'w' } } })[0]!.path).toBe('latent.decoder');
  });

  it('checks time input, prediction and schedule against each other', () => {
    expect(issuesOf({ ...denoiser, schedule: { kind: 'edm', sigma_min: 0.002, sigma_max: 80, sigma_data: 0.5 } })).toContainEqual({
      path: 'time_input',
      message: 'time_input "index" is not defined for a "edm" schedule (supported: sigma, log_sigma)',
    });
    expect(issuesOf({ ...denoiser, prediction: 'velocity' })[0]!.path).toBe('prediction');
    expect(issuesOf({ ...denoiser, schedule: { kind: 'linear-interpolant' }, time_input: 't' })[0]!.message).toMatch(
      /says nothing about x0 at t = 1/,
    );
    expect(issuesOf({ ...denoiser, time_input: 'seconds' })[0]!.path).toBe('time_input');
    expect(issuesOf({ ...denoiser, prediction: 'noise' })[0]!.path).toBe('prediction');
  });

  it('ties classes, the class input and null_class together', () => {
    expect(issuesOf({ ...denoiser, classes: 10 })[0]!.path).toBe('inputs.class');
    expect(issuesOf({ ...denoiser, null_class: 0 })[0]).toEqual({
      path: 'null_class',
      message: 'null_class needs a class-conditional model (classes > 0)',
    });
    expect(issuesOf({ ...denoiser, classes: 10, inputs: { x: 'x_t', t: 't', class: 'y' }, null_class: 11 })[0]!.path).toBe('null_class');
    expect(issuesOf({ ...denoiser, inputs: { x: 'x', t: 'x' } })[0]!.path).toBe('inputs');
  });

  it('scores RGB only and needs positive latent dimensions', () => {
    expect(issuesOf({ ...denoiser, channels: 1 })[0]).toMatchObject({
      path: 'channels',
      message: 'only RGB images (channels: 3) can be scored',
    });
    expect(issuesOf({ ...denoiser, latent: { ...latent, shape: [4, 0, 8] } })[0]!.path).toBe('latent.shape.1');
    expect(issuesOf({ ...denoiser, latent: { ...latent, scale_factor: 0 } })[0]!.path).toBe('latent.scale_factor');
  });
});

describe('samples manifest', () => {
  const samples = { name: 'adm-samples', kind: 'samples', resolution: 64, classes: 1000 };
  it('accepts the documented example and nothing more', () => {
    expect(parseManifest(samples)).toEqual(samples);
    expect(issuesOf({ ...samples, inputs: {} })).toContainEqual({ path: '', message: 'Unrecognized key: "inputs"' });
    expect(issuesOf({ ...samples, resolution: 4 })[0]!.path).toBe('resolution');
  });
});
