import { describe, expect, it } from 'vitest';
import { MissingAssetError } from '../../runner/src/assets/assets.js';
import { publicReason } from './public-reason.js';

describe('publicReason', () => {
  it('keeps a missing asset’s file name, download source and setting, and drops the runner’s directory', () => {
    const err = new MissingAssetError(
      {
        file: 'imagenet/VIRTUAL_imagenet64_labeled.npz',
        sha256: 'a'.repeat(64),
        source: 'https://openaipublic.example/diffusion/jul2021/ref_batches/x.npz',
      },
      'reference',
      '/var/lib/genbench/reference/imagenet/VIRTUAL_imagenet64_labeled.npz',
      'absent',
    );
    expect(err.message).toContain('/var/lib/genbench');
    const shown = publicReason(`gave up after 3 attempts: ${err.message}`);
    expect(shown).not.toMatch(/\/var\/lib|genbench\/reference/);
    expect(shown).toContain('<runner>/…/VIRTUAL_imagenet64_labeled.npz');
    expect(shown).toContain('https://openaipublic.example/diffusion/jul2021/ref_batches/x.npz');
    expect(shown).toContain('$GENBENCH_REFERENCE_DIR');
  });

  it('redacts paths inside onnxruntime’s and Node’s own messages, and leaves plain text alone', () => {
    expect(publicReason("Load model from /tmp/genbench-cache/ab12.onnx failed: ENOENT, open '/root/.cache/x/y.bin'")).toBe(
      "Load model from <runner>/…/ab12.onnx failed: ENOENT, open '<runner>/…/y.bin'",
    );
    const plain = 'the model returned NaN at step 3/20 for samples 0-63 (output x0, shape [64, 3, 32, 32])';
    expect(publicReason(plain)).toBe(plain);
  });
});
