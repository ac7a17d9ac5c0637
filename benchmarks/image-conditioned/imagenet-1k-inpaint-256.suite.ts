import { ddrmSuite } from './imagenet-ddrm.js';

// A centred 128×128 hole: DDRM inpaints with mask files; the box is this harness's stated stand-in.
export default ddrmSuite('imagenet-1k-inpaint-256', 'box inpainting (centred 128×128 hole)', { kind: 'inpaint-box', fraction: 0.5 });
