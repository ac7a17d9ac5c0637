import { z } from 'zod';
import { TensorName } from './manifest-fields.js';
import { ManifestError, ModelName } from './manifest.schemas.js';

/**
 * The LPIPS manifest (`genbench image-metrics --lpips <manifest>`): the network as ONNX and its 'lin' weights
 * as an .npz, both by path (relative to the manifest's folder). Strict: an unknown key is an error.
 *
 * ```json
 * {"name": "lpips-alex-v0.1", "kind": "lpips",
 *  "network": {"file": "lpips_alex.onnx", "input": "images", "layers": ["relu1", "relu2", "relu3", "relu4", "relu5"]},
 *  "lin": {"file": "lpips_alex_lin.npz"}}
 * ```
 * The graph takes float32 NCHW `[N, 3, H, W]` in [−1, 1] (x/127.5 − 1) and includes lpips' ScalingLayer; it
 * outputs each layer's features `[N, C_l, h_l, w_l]` under the names in `layers`, in order. The .npz holds
 * `lin0` … `lin{L−1}`, float32 `[C_l]` (or `[1, C_l, 1, 1]` as in the checkpoint), the weights of layer l.
 * `scripts/export_lpips.py` writes both from the `lpips` pip package.
 */
export const LpipsManifest = z.strictObject({
  name: ModelName,
  kind: z.literal('lpips'),
  network: z.strictObject({
    file: z.string().min(1),
    input: TensorName,
    layers: z.array(TensorName).min(1).max(32),
  }),
  lin: z.strictObject({ file: z.string().min(1) }),
  /** Where the files come from, for the message when they are absent. */
  source: z.string().optional(),
});
export type LpipsManifest = z.infer<typeof LpipsManifest>;

/** Parses LPIPS-manifest JSON text; throws ManifestError naming the offending fields. */
export function parseLpipsManifest(text: string): LpipsManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`LPIPS manifest is not valid JSON: ${(err as Error).message}`, [{ path: '', message: (err as Error).message }]);
  }
  const parsed = LpipsManifest.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ManifestError(
      'invalid LPIPS manifest: ' + issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
      issues,
    );
  }
  const dup = parsed.data.network.layers.find((l, i, all) => all.indexOf(l) !== i);
  if (dup !== undefined)
    throw new ManifestError(`invalid LPIPS manifest: network.layers: "${dup}" is named twice`, [
      { path: 'network.layers', message: `"${dup}" is named twice` },
    ]);
  return parsed.data;
}
