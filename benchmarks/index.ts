// Every suite the service knows. Adding a suite = adding a *.suite.ts file and one line here.
import type { SuiteDefinition } from '../contracts/suites/suite.schemas.js';
import imagenet128Cond from './imagenet/imagenet-128-cond.suite.js';
import imagenet128Uncond from './imagenet/imagenet-128-uncond.suite.js';
import imagenet256Cond from './imagenet/imagenet-256-cond.suite.js';
import imagenet256Uncond from './imagenet/imagenet-256-uncond.suite.js';
import imagenet512Cond from './imagenet/imagenet-512-cond.suite.js';
import imagenet512Uncond from './imagenet/imagenet-512-uncond.suite.js';
import imagenet64Cond from './imagenet/imagenet-64-cond.suite.js';
import imagenet64Uncond from './imagenet/imagenet-64-uncond.suite.js';
import imagenet64CondDdpm250 from './imagenet/imagenet-64-cond-ddpm-250.suite.js';
import imagenet256CondDdpm250 from './imagenet/imagenet-256-cond-ddpm-250.suite.js';
import imagenet256CondDdpm250Cfg from './imagenet/imagenet-256-cond-ddpm-250-cfg-1-5.suite.js';
import imagenet512CondHeun32 from './imagenet/imagenet-512-cond-heun-32.suite.js';
import imagenet128CondAdmG250 from './imagenet/imagenet-128-cond-adm-g-250.suite.js';
import imagenet128CondAdmG25 from './imagenet/imagenet-128-cond-adm-g-25.suite.js';
import imagenet256CondAdmG250 from './imagenet/imagenet-256-cond-adm-g-250.suite.js';
import imagenet512CondAdmG250 from './imagenet/imagenet-512-cond-adm-g-250.suite.js';
import smoke32 from './smoke/smoke-32.suite.js';
import smoke32Denoiser from './smoke/smoke-32-denoiser.suite.js';
import smoke32Samples from './smoke/smoke-32-samples.suite.js';
import cityscapes27Dataset from './segmentation/cityscapes27-dataset.suite.js';
import cityscapes27PerImage from './segmentation/cityscapes27-per-image.suite.js';
import cocostuff27Dataset from './segmentation/cocostuff27-dataset.suite.js';
import cocostuff27PerImage from './segmentation/cocostuff27-per-image.suite.js';
import smokeSegDataset from './segmentation/smoke-seg-dataset.suite.js';
import smokeSegPerImage from './segmentation/smoke-seg-per-image.suite.js';
import smokeT2i32 from './text-to-image/smoke-t2i-32.suite.js';
import coco30k256 from './text-to-image/coco-30k-256.suite.js';
import coco30k512 from './text-to-image/coco-30k-512.suite.js';
import smokeVideo16x32 from './video/smoke-video-16x32.suite.js';
import smokeT2v12x32 from './video/smoke-t2v-12x32.suite.js';
import ucf101x128 from './video/ucf101-16f-128.suite.js';
import ucf101x256 from './video/ucf101-16f-256.suite.js';
import smokeSr4x32 from './image-conditioned/smoke-sr4-32.suite.js';
import smokeSr4x32Denoiser from './image-conditioned/smoke-sr4-32-denoiser.suite.js';
import smokeCanny32 from './image-conditioned/smoke-canny-32.suite.js';
import smokeTranslate32 from './image-conditioned/smoke-translate-32.suite.js';
import edges2handbags64 from './image-conditioned/edges2handbags-64.suite.js';
import diodeOutdoor256 from './image-conditioned/diode-outdoor-256.suite.js';
import smokeEdit32 from './image-conditioned/smoke-edit-32.suite.js';
import smokeEdit32Denoiser from './image-conditioned/smoke-edit-32-denoiser.suite.js';
import smokeCannyText32 from './image-conditioned/smoke-canny-text-32.suite.js';
import instructPix2PixTest5k from './image-conditioned/instructpix2pix-test-5k-512.suite.js';
import cocoValCanny512 from './image-conditioned/coco-val-canny-512.suite.js';
import imagenet1kSr4 from './image-conditioned/imagenet-1k-sr4-256.suite.js';
import imagenet1kDeblur from './image-conditioned/imagenet-1k-deblur-256.suite.js';
import imagenet1kInpaint from './image-conditioned/imagenet-1k-inpaint-256.suite.js';

export const SUITES: readonly SuiteDefinition[] = [
  smoke32,
  smoke32Denoiser,
  smoke32Samples,
  imagenet64Cond,
  imagenet64Uncond,
  imagenet128Cond,
  imagenet128Uncond,
  imagenet256Cond,
  imagenet256Uncond,
  imagenet512Cond,
  imagenet512Uncond,
  imagenet64CondDdpm250,
  imagenet256CondDdpm250,
  imagenet256CondDdpm250Cfg,
  imagenet512CondHeun32,
  imagenet128CondAdmG250,
  imagenet128CondAdmG25,
  imagenet256CondAdmG250,
  imagenet512CondAdmG250,
  smokeSegDataset,
  smokeSegPerImage,
  cocostuff27Dataset,
  cocostuff27PerImage,
  cityscapes27Dataset,
  cityscapes27PerImage,
  smokeT2i32,
  coco30k256,
  coco30k512,
  smokeVideo16x32,
  smokeT2v12x32,
  ucf101x128,
  ucf101x256,
  smokeSr4x32,
  smokeSr4x32Denoiser,
  smokeCanny32,
  smokeTranslate32,
  edges2handbags64,
  diodeOutdoor256,
  smokeEdit32,
  smokeEdit32Denoiser,
  smokeCannyText32,
  instructPix2PixTest5k,
  cocoValCanny512,
  imagenet1kSr4,
  imagenet1kDeblur,
  imagenet1kInpaint,
];

export function findSuite(id: string): SuiteDefinition | undefined {
  return SUITES.find((s) => s.id === id);
}
