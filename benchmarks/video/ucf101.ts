// UCF-101 video generation by the StyleGAN-V protocol (Skorokhodov et al., CVPR 2022; its FVD code follows
// DIGAN's and the TGAN-v2 I3D): 2,048 generated videos of 16 frames, FVD on one 16-frame clip per video
// through the I3D Kinetics-400 network (400 logits as features, as StyleGAN-V's `fvd2048_16f`), against one
// clip per real video at a seeded random start. Nothing is downloaded: the files are configured by path
// (README.md, "Suites"), their sha256s are not pinned until a maintainer prepares and checks them, and the
// suites are listed as unavailable until they are present.
import { SHA256_NOT_PINNED } from '../../contracts/assets/asset-ref.js';
import type { FileExtractor } from '../../contracts/suites/suite.schemas.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import type { z } from 'zod';
import { FID_INCEPTION } from '../imagenet/adm-assets.js';

const UCF101 = 'https://www.crcv.ucf.edu/data/UCF101.php (UCF101.rar, 13,320 videos of 101 actions at 25 fps)';

/** StyleGAN-V's I3D detector as ONNX (it resizes to 224² inside, so clips enter at the suite's resolution). */
export const I3D_KINETICS400 = {
  type: 'onnx-file' as const,
  id: 'i3d-kinetics-400',
  file: 'i3d_torchscript_kinetics400.onnx',
  sha256: SHA256_NOT_PINNED,
  source:
    "an ONNX export of StyleGAN-V's I3D detector (i3d_torchscript.pt, https://www.dropbox.com/s/ge9e5ujwgetktms/i3d_torchscript.pt, the network of StyleGAN-V's and DIGAN's FVD) called with rescale=False, resize=True, return_features=True: input 'clips' float32 [N, 3, 16, R, R] in [−1, 1] (the resize to 224² inside the graph), output 'features' [N, 400]",
  input: 'clips',
  output: 'features',
};

/** DINO ViT-B/16, the frame network of VBench's subject consistency. */
export const DINO_VITB16: z.input<typeof FileExtractor> = {
  type: 'onnx-file',
  id: 'dino-vitb16',
  file: 'dino_vitb16.onnx',
  sha256: SHA256_NOT_PINNED,
  source:
    "an ONNX export of torch.hub.load('facebookresearch/dino:main', 'dino_vitb16') (VBench's subject-consistency network) with output 'cls' (the CLS token, [N, 768]); input float32 NCHW [N, 3, 224, 224], resize and ImageNet normalisation outside the graph",
  input_size: 224,
  preprocessing: 'pil-bicubic-uint8',
  normalization: 'imagenet',
  outputs: { pool: 'cls' },
};

export function ucf101Suite(resolution: 128 | 256) {
  return defineSuite({
    id: `ucf101-16f-${resolution}`,
    version: 1,
    title: `UCF-101 16 frames ${resolution}×${resolution} (FVD₂₀₄₈, StyleGAN-V protocol)`,
    description: `2,048 unconditional videos of 16 frames at ${resolution}² against UCF-101; FVD (I3D Kinetics-400, 16-frame clips, StyleGAN-V), FID of frames (Inception, ADM's preprocessing), temporal consistency (DINO ViT-B/16, VBench). Numbers compare within this board: papers differ in the real clips they sample.`,
    task: 'video-generation',
    resolution,
    frames: 16,
    fps: 25,
    kinds: ['samples'],
    classes: 0,
    samples: 2048,
    seed: 0,
    batch_size: 16,
    reference: {
      type: 'video-batch',
      file: `ucf101-2048x32f-${resolution}.npz`,
      sha256: SHA256_NOT_PINNED,
      source: `${UCF101}: 2,048 videos drawn uniformly without replacement (numpy default_rng(0)) from all 13,320, the first 32 frames of each at 25 fps, the shorter side resized to ${resolution} (Pillow bicubic) and centre-cropped to ${resolution}×${resolution} as StyleGAN-V prepares the dataset; saved as arr_0 uint8 [2048, 32, ${resolution}, ${resolution}, 3]`,
    },
    fvd: { clip_frames: 16, network: I3D_KINETICS400 },
    extractor: FID_INCEPTION,
    frames_per_video: 4,
    consistency: DINO_VITB16,
    metrics: ['fvd', 'fid_frames', 'temporal_consistency'],
    primary: 'fvd',
    drift_tolerance: 1e-6,
    time_limit_s: 86_400,
  });
}
