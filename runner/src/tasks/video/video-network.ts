import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { VideoNetwork } from '../../../../contracts/suites/video-suite.schemas.js';
import { verifyAsset } from '../../assets/assets.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { type ExecutionProvider, openSession } from '../../evaluation/onnx-session.js';
import { i3dClip } from '../../metrics/video-sampling.js';
import { buildMotionStandinI3d, MOTION_STANDIN_INPUT, MOTION_STANDIN_OUTPUT } from '../../onnx/models/motion-standin-i3d.js';

/**
 * FVD's video network: clips of uint8 videos → features [N, D]. The smoke suite's motion stand-in is built in
 * memory; `onnx-file` (the I3D Kinetics-400) is read from the models directory after its sha256 is checked.
 * The network is the suite's: everything wrong with it is a SuiteFailure.
 */
export class VideoNetworkSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly input: string,
    private readonly output: string,
    readonly clipFrames: number,
    readonly resolution: number,
    readonly executionProvider: ExecutionProvider,
    readonly warnings: string[],
  ) {}

  static async open(
    def: VideoNetwork,
    clipFrames: number,
    resolution: number,
    ep: ExecutionProvider,
    modelsDir: string,
  ): Promise<VideoNetworkSession> {
    const bytes =
      def.type === 'builtin-motion-standin'
        ? buildMotionStandinI3d({ seed: def.seed, frames: clipFrames, size: resolution })
        : await readFile(await verifyAsset(modelsDir, def, 'model'));
    const [input, output] = def.type === 'builtin-motion-standin' ? [MOTION_STANDIN_INPUT, MOTION_STANDIN_OUTPUT] : [def.input, def.output];
    let opened;
    try {
      opened = await openSession(bytes, ep);
    } catch (err) {
      throw new SuiteFailure(`the suite's video network does not load: ${(err as Error).message}`, { cause: err });
    }
    const { session } = opened;
    if (!session.inputNames.includes(input) || !session.outputNames.includes(output))
      throw new SuiteFailure(
        `the suite's video network has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], not "${input}" → "${output}"`,
      );
    return new VideoNetworkSession(session, input, output, clipFrames, resolution, opened.executionProvider, opened.warnings);
  }

  /**
   * Features of one clip per video: `videos` holds `count` uint8 videos [T, R, R, 3] back to back, clip v
   * starting at frame `starts[v]`. Returns row-major [count, D].
   */
  async clipFeatures(videos: Uint8Array, count: number, starts: readonly number[]): Promise<{ data: Float32Array; dim: number }> {
    const R = this.resolution;
    const perVideo = videos.length / count;
    const clipSize = 3 * this.clipFrames * R * R;
    const x = new Float32Array(count * clipSize);
    for (let v = 0; v < count; v++)
      i3dClip(
        videos.subarray(v * perVideo, (v + 1) * perVideo),
        R,
        R,
        starts[v]!,
        this.clipFrames,
        x.subarray(v * clipSize, (v + 1) * clipSize),
      );
    let result;
    try {
      result = await this.session.run({ [this.input]: new ort.Tensor('float32', x, [count, 3, this.clipFrames, R, R]) }, [this.output]);
    } catch (err) {
      throw new SuiteFailure(`the suite's video network failed on a batch of ${count} clips: ${(err as Error).message}`, { cause: err });
    }
    const out = result[this.output]!;
    const dim = out.dims.length === 2 && out.dims[0] === count ? out.dims[1]! : -1;
    if (dim < 1) throw new SuiteFailure(`the suite's video network returned [${out.dims.join(', ')}], not [${count}, D] features`);
    return { data: Float32Array.from(out.data as Float32Array), dim };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
