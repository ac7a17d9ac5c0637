import { ddrmSuite } from './imagenet-ddrm.js';

export default ddrmSuite('imagenet-1k-sr4-256', '×4 super-resolution (block average)', { kind: 'sr-block-average', factor: 4 });
