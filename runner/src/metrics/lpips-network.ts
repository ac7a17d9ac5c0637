// The LPIPS network by path (manifest: contracts/manifest/lpips-manifest.schemas.ts): an ONNX graph giving each
// layer's features of images in [−1, 1] (lpips' ScalingLayer inside), and the 'lin' weights from an .npz; the
// combination is lpips.ts. The real weights (AlexNet/VGG from torchvision, lin layers from the `lpips` pip
// package) cannot be fetched here: an absent file is an LpipsConfigError saying what to download and run.

import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseLpipsManifest, type LpipsManifest } from '../../../contracts/manifest/lpips-manifest.schemas.js';
import { ManifestError } from '../../../contracts/manifest/manifest.schemas.js';
import { type ExecutionProvider, firstNonFinite, openSession } from '../evaluation/onnx-session.js';
import { ModelFailure } from '../evaluation/model-failure.js';
import { ArrayFileError } from '../io/array-file-error.js';
import { readNpz } from '../io/npz.js';
import type { RgbBatch } from './image-fidelity.js';
import { buildTinyLpipsNet, TINY_LPIPS_CHANNELS } from '../onnx/models/tiny-lpips-net.js';
import { type FeatureMaps, lpipsDistances } from './lpips.js';

/** The LPIPS manifest, network or lin weights are absent or unusable; the message says what to do. */
export class LpipsConfigError extends Error {
  override readonly name = 'LpipsConfigError';
}

const LPIPS_EXPORT_HINT =
  "make them with scripts/export_lpips.py (pip install lpips torch onnx; it downloads torchvision's AlexNet or VGG16 " +
  'ImageNet weights from download.pytorch.org, and the lin weights ship inside the lpips package: lpips/weights/v0.1/alex.pth)';

async function requireFile(path: string, what: string, manifest: LpipsManifest): Promise<void> {
  try {
    await stat(path);
  } catch {
    throw new LpipsConfigError(
      `${what} ${path} (from LPIPS manifest "${manifest.name}") is not there: ${manifest.source ? `${manifest.source}; ` : ''}${LPIPS_EXPORT_HINT}`,
    );
  }
}

export class LpipsNetwork {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly manifest: LpipsManifest,
    private readonly lins: Float32Array[],
    private readonly networkPath: string,
  ) {}

  /** The random-weight stand-in (onnx/models/tiny-lpips-net.ts), built in memory: smoke suites' LPIPS. */
  static async builtin(seed: number, ep: ExecutionProvider = 'cpu'): Promise<LpipsNetwork> {
    const net = buildTinyLpipsNet(seed);
    const manifest: LpipsManifest = {
      name: `builtin-tiny-lpips-${seed}`,
      kind: 'lpips',
      network: { file: '(in memory)', input: 'images', layers: TINY_LPIPS_CHANNELS.map((_, l) => `relu${l + 1}`) },
      lin: { file: '(in memory)' },
    };
    const { session } = await openSession(net.model, ep);
    return new LpipsNetwork(session, manifest, net.lins, manifest.name);
  }

  static async open(manifestPath: string, ep: ExecutionProvider = 'cpu'): Promise<LpipsNetwork> {
    let text: string;
    try {
      text = await readFile(manifestPath, 'utf8');
    } catch (err) {
      throw new LpipsConfigError(
        `cannot read LPIPS manifest ${manifestPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; ${LPIPS_EXPORT_HINT}`,
        {
          cause: err,
        },
      );
    }
    let manifest: LpipsManifest;
    try {
      manifest = parseLpipsManifest(text);
    } catch (err) {
      if (err instanceof ManifestError) throw new LpipsConfigError(`${manifestPath}: ${err.message}`, { cause: err });
      throw err;
    }
    const dir = dirname(manifestPath);
    const networkPath = resolve(dir, manifest.network.file);
    const linPath = resolve(dir, manifest.lin.file);
    await requireFile(networkPath, 'the LPIPS network', manifest);
    await requireFile(linPath, 'the LPIPS lin weights', manifest);

    let arrays;
    try {
      arrays = await readNpz(linPath);
    } catch (err) {
      if (err instanceof ArrayFileError) throw new LpipsConfigError(`${linPath}: ${err.message}`, { cause: err });
      throw err;
    }
    const lins = manifest.network.layers.map((layer, l) => {
      const a = arrays[`lin${l}`];
      if (!a) throw new LpipsConfigError(`${linPath} has no 'lin${l}' (the lin weights of layer ${l}, "${layer}")`);
      const channels = a.shape.reduce((x, y) => x * y, 1);
      if (a.dtype !== 'float32' || (a.shape.length !== 1 && !(a.shape.length === 4 && channels === a.shape[1])))
        throw new LpipsConfigError(`${linPath}: 'lin${l}' must be float32 [C] or [1, C, 1, 1], not ${a.dtype} [${a.shape.join(', ')}]`);
      return a.data as Float32Array;
    });

    let session: ort.InferenceSession;
    try {
      session = (await openSession(await readFile(networkPath), ep)).session;
    } catch (err) {
      if (err instanceof ModelFailure) throw new LpipsConfigError(`${networkPath}: ${err.message}`, { cause: err });
      throw err;
    }
    const missing = [manifest.network.input].filter((n) => !session.inputNames.includes(n));
    const missingOut = manifest.network.layers.filter((n) => !session.outputNames.includes(n));
    if (missing.length > 0 || missingOut.length > 0) {
      await session.release();
      throw new LpipsConfigError(
        `${networkPath} has no ${[...missing.map((n) => `input "${n}"`), ...missingOut.map((n) => `output "${n}"`)].join(', ')} ` +
          `(its inputs: ${session.inputNames.join(', ')}; outputs: ${session.outputNames.join(', ')})`,
      );
    }
    return new LpipsNetwork(session, manifest, lins, networkPath);
  }

  /** Each layer's features of uint8 NHWC images, scaled to [−1, 1] (x/127.5 − 1, lpips' im2tensor). */
  private async features(images: Uint8Array, count: number, height: number, width: number): Promise<FeatureMaps[]> {
    const plane = height * width;
    const x = new Float32Array(count * 3 * plane);
    for (let n = 0; n < count; n++)
      for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) x[(n * 3 + c) * plane + p] = images[(n * plane + p) * 3 + c]! / 127.5 - 1;
    const { input, layers } = this.manifest.network;
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.session.run({ [input]: new ort.Tensor('float32', x, [count, 3, height, width]) }, layers);
    } catch (err) {
      throw new LpipsConfigError(
        `${this.networkPath} failed on ${count} images of ${height}×${width}: ${(err as Error).message.slice(0, 300)}`,
        {
          cause: err,
        },
      );
    }
    return layers.map((name) => {
      const t = out[name]!;
      if (t.type !== 'float32' || t.dims.length !== 4 || t.dims[0] !== count)
        throw new LpipsConfigError(
          `${this.networkPath}: layer "${name}" is ${t.type} [${t.dims.join(', ')}], expected float32 [${count}, C, h, w]`,
        );
      const data = t.data as Float32Array;
      if (firstNonFinite(data) >= 0) throw new LpipsConfigError(`${this.networkPath}: layer "${name}" holds non-finite values`);
      return { data, count, channels: t.dims[1], height: t.dims[2], width: t.dims[3] };
    });
  }

  /** LPIPS of each output against its target (image i against image i), in batches of `batchSize`. */
  async distances(pred: RgbBatch, target: RgbBatch, batchSize = 16): Promise<Float64Array> {
    const out = new Float64Array(pred.count);
    const size = pred.height * pred.width * 3;
    for (let start = 0; start < pred.count; start += batchSize) {
      const n = Math.min(batchSize, pred.count - start);
      const a = await this.features(pred.data.subarray(start * size, (start + n) * size), n, pred.height, pred.width);
      const b = await this.features(target.data.subarray(start * size, (start + n) * size), n, target.height, target.width);
      for (const [l, f] of a.entries())
        if (f.channels !== this.lins[l]!.length)
          throw new LpipsConfigError(
            `layer "${this.manifest.network.layers[l]}" of ${this.networkPath} has ${f.channels} channels but lin${l} has ${this.lins[l]!.length} weights: network and lin weights must come from one export`,
          );
      out.set(lpipsDistances(a, b, this.lins), start);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
