import { resolve } from 'node:path';

/**
 * Where large downloaded files live (README.md, "Configuration"): reference batches under
 * `GENBENCH_REFERENCE_DIR` (default `.genbench/reference`), extractor models under `GENBENCH_MODELS_DIR`
 * (default `.genbench/models`), labelled datasets of segmentation suites under `GENBENCH_DATASETS_DIR`
 * (default `.genbench/datasets`). All are independent of `GENBENCH_DATA_DIR`: they are read-only inputs,
 * often shared between machines.
 */
export interface AssetDirs {
  referenceDir: string;
  modelsDir: string;
  datasetsDir: string;
}

export function loadAssetDirs(env: NodeJS.ProcessEnv = process.env): AssetDirs {
  return {
    referenceDir: resolve(env.GENBENCH_REFERENCE_DIR || '.genbench/reference'),
    modelsDir: resolve(env.GENBENCH_MODELS_DIR || '.genbench/models'),
    datasetsDir: resolve(env.GENBENCH_DATASETS_DIR || '.genbench/datasets'),
  };
}
