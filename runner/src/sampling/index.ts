export * from '../../../contracts/sampling/errors.js';
export * from './noise.js';
export * from './predictions.js';
export * from './quantize.js';
export * from './samplers.js';
export * from '../../../contracts/sampling/schedules.js';
