import { ddrmSuite } from './imagenet-ddrm.js';

export default ddrmSuite('imagenet-1k-deblur-256', 'Gaussian deblurring (σ = 10, 5 taps)', { kind: 'deblur-gaussian', sigma: 10, taps: 5 });
