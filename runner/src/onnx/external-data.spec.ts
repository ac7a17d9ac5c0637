import { describe, expect, it } from 'vitest';
import { buildExternalDataModel } from '../../../test/support/onnx-models/broken-models.js';
import { buildTinyExtractor } from './models/tiny-extractor.js';
import { buildTinyGenerator } from './models/tiny-generator.js';
import { externalTensorNames } from './external-data.js';

describe('externalTensorNames', () => {
  it('finds an initializer stored in an external file', () => {
    expect(externalTensorNames(buildExternalDataModel({ location: 'weights.bin' }))).toEqual(['w']);
  });
  it('finds nothing in self-contained models', () => {
    expect(externalTensorNames(buildTinyGenerator({ noiseDim: 8, resolution: 8, classes: 3, seed: 1 }))).toEqual([]);
    expect(externalTensorNames(buildTinyExtractor({ inputSize: 16, seed: 1 }))).toEqual([]);
  });
  it('does not throw on garbage', () => {
    expect(externalTensorNames(new Uint8Array([0xff, 0xff, 0xff]))).toEqual([]);
  });
});
