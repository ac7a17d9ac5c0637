import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { access, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isImageConditionedSuite } from '../../../contracts/suites/image-conditioned-suite.schemas.js';
import { type Availability, availability, type MissingFile, missingProblem } from '../../../runner/src/api-entry.js';
import { firstFew, publishInputsInChild } from '../../../runner/src/api-entry.js';
import { datasetInstructions } from '../../../runner/src/api-entry.js';
import { isSegmentationSuite } from '../../../contracts/suites/segmentation-suite.schemas.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { isDeepStrictEqual } from 'node:util';
import { SUITES } from '../../../benchmarks/index.js';
import { findPromptSuite } from '../../../benchmarks/prompts/index.js';
import { metricInfo } from '../../../contracts/metrics/registry.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { type SubmissionFacts, whyNotScored } from '../../../contracts/suites/suite-fit.js';
import { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import { largestNetworkBatch } from '../../../contracts/inspection/inspection.js';
import type { ModelKind, Prisma } from '../generated/prisma/client.js';
import { SuitesRepository } from './suites.repository.js';
import { parseStoredDefinition, StoredSuiteDefinitionError } from './stored-definition.js';
import { howToMake } from '../../../contracts/assets/asset-ref.js';

export class SuiteVersionConflictError extends Error {
  constructor(id: string, version: number) {
    super(
      `suite ${id} v${version} in benchmarks/ differs from the definition stored for v${version}; ` +
        `a change that can alter scores must bump the suite's version`,
    );
    this.name = 'SuiteVersionConflictError';
  }
}

@Injectable()
export class SuitesService {
  private readonly log = new Logger('suites');
  constructor(
    @Inject(SuitesRepository) private readonly suites: SuitesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Whether this deployment has the files a suite version needs (checked by presence; runners verify sha256). */
  availabilityOf(definition: SuiteDefinition): Promise<Availability> {
    return availability(definition, this.config.assets);
  }

  /**
   * Why a suite cannot run here, for anyone to read: what to download and the setting whose directory it
   * goes in, never a path on this server (`availabilityOf(…).message` has those, for admins).
   */
  async unavailableReason(definition: SuiteDefinition): Promise<string | null> {
    const a = await this.availabilityOf(definition);
    return a.available ? null : publicReason(definition, a.missing);
  }

  /**
   * Why a stored suite version cannot run here, or null when it can: `unavailableReason`, or, for admins,
   * `availabilityOf(…).message` with this server's paths. A stored definition that no longer validates
   * cannot run anywhere: its reason names the suite version and the failing fields.
   */
  async storedVersionUnavailable(row: StoredVersion, forAdmin = false): Promise<string | null> {
    const definition = this.definitionOf(row);
    if (definition instanceof StoredSuiteDefinitionError) return definition.message;
    if (!forAdmin) return this.unavailableReason(definition);
    const a = await this.availabilityOf(definition);
    return a.available ? null : a.message;
  }

  /** The row's parsed definition, or the error saying why it no longer validates (logged once per read). */
  private definitionOf(row: StoredVersion): SuiteDefinition | StoredSuiteDefinitionError {
    try {
      return parseStoredDefinition(row);
    } catch (err) {
      if (!(err instanceof StoredSuiteDefinitionError)) throw err;
      this.log.error(err.message);
      return err;
    }
  }

  /** Writes every suite version declared in benchmarks/ into the database (idempotent). */
  async sync(definitions: readonly SuiteDefinition[] = SUITES): Promise<void> {
    for (const def of definitions) {
      await this.suites.upsertSuite({ id: def.id, task: def.task, resolution: def.resolution, description: def.description });
      const stored = await this.suites.findVersion(def.id, def.version);
      const definition = JSON.parse(JSON.stringify(def)) as Prisma.InputJsonValue;
      if (stored) {
        // Compared after parsing the stored definition with today's schema, so a field added later with a
        // default that keeps old behaviour is not mistaken for a change of the suite.
        const reparsed = SuiteDefinition.safeParse(stored.definition);
        const before = reparsed.success ? (JSON.parse(JSON.stringify(reparsed.data)) as Record<string, unknown>) : undefined;
        if (before && isDeepStrictEqual(before, definition)) continue;
        // `sharding` says how an evaluation may be spread over runners, not what it computes (a sharded
        // evaluation's metrics are the unsharded ones bit for bit, README "Sharded evaluations"): declaring
        // or changing it updates the stored version in place instead of asking for a new version.
        if (before && isDeepStrictEqual(withoutSharding(before), withoutSharding(definition as Record<string, unknown>))) {
          await this.suites.updateDefinition(def.id, def.version, definition);
          this.log.log(
            `suite ${def.id} v${def.version}: sharding now ${JSON.stringify((definition as Record<string, unknown>).sharding ?? null)}`,
          );
          continue;
        }
        throw new SuiteVersionConflictError(def.id, def.version);
      }
      await this.suites.createVersion({
        suiteId: def.id,
        version: def.version,
        task: def.task,
        resolution: def.resolution,
        kinds: def.kinds as ModelKind[],
        primaryMetric: def.primary,
        higherIsBetter: metricInfo(def.primary).higherIsBetter,
        definition,
      });
      this.log.log(`registered suite ${def.id} v${def.version}`);
    }
  }

  list() {
    return this.suites.listWithVersions();
  }

  async get(id: string) {
    const s = await this.suites.findOne(id);
    if (!s) throw new NotFoundException(`no suite "${id}"`);
    return s;
  }

  /** A prompted suite's published prompts (benchmarks/prompts/); 404 for a suite that publishes none. */
  prompts(id: string): { suite: string; version: number; count: number; prompts: string[] } {
    const suite = findPromptSuite(id);
    if (!suite) throw new NotFoundException(`suite "${id}" publishes no prompts (only text-to-image and text-to-video suites do)`);
    const prompts = suite.prompts();
    return { suite: suite.id, version: suite.version, count: prompts.length, prompts };
  }

  /**
   * An image-conditioned suite's published inputs (runner/src/conditions/suite-inputs.ts) as an npz file: computed
   * once per suite version in a child process and kept in the temporary directory (they depend only on the
   * definition and its files). 404 for a suite that publishes none; 409 where this server lacks the suite's files.
   */
  async inputs(id: string): Promise<{ path: string; filename: string }> {
    const suite = SUITES.find((s) => s.id === id);
    if (!suite || !isImageConditionedSuite(suite))
      throw new NotFoundException(`suite "${id}" publishes no inputs (only image-conditioned suites do)`);
    const here = await this.availabilityOf(suite);
    if (!here.available) throw new ConflictException(`suite ${id} cannot publish its inputs on this server: ${here.message}`);
    const dir = join(tmpdir(), 'genbench-suite-inputs');
    const path = join(dir, `${id}-v${suite.version}.npz`);
    const filename = `${id}-v${suite.version}-inputs.npz`;
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return { path, filename };
    await mkdir(dir, { recursive: true });
    const reply = await publishInputsInChild(suite, path, this.config.assets, this.config.inspectTimeoutMs);
    if (!reply.ok) throw new ConflictException(`suite ${id} cannot publish its inputs on this server: ${reply.problem}`);
    return { path, filename };
  }

  /**
   * The largest batch the suites matching a submission run its network at (classifier-free guidance doubles
   * it): the upload's inspection runs the model once at this size, under the child memory limit
   * (runner/src/inspect/inspect-full-batch.ts). Undefined when no suite matches.
   */
  async largestBatchFor(kind: ModelKind, resolution: number | undefined, task?: string): Promise<number | undefined> {
    const versions = (await this.suites.latestVersionsFor(kind, resolution)).filter((v) => !task || v.task === task);
    return largestNetworkBatch(
      // A version whose definition no longer validates is never queued on (`matching`), so it sets no batch.
      versions.flatMap((v) => {
        const definition = this.definitionOf(v);
        return definition instanceof StoredSuiteDefinitionError ? [] : [definition];
      }),
    );
  }

  /**
   * Suites a new model version is queued on: kind and resolution match (generators also by task), and the
   * suite's files are present. Matching suites that are unavailable are returned apart, with the reason.
   * Without a resolution (extractors and segmenters, which take any suite resolution) kind and task decide.
   */
  /**
   * The newest version of every suite that scores this kind at this resolution for this task, split into
   * those to queue on, those this server lacks the files for, and (given the manifest) those whose protocol
   * cannot drive the model (suite-fit.ts), each with the reason.
   */
  async matching(
    kind: ModelKind,
    resolution: number | undefined,
    task?: string,
    submission?: { manifest: Manifest; facts: SubmissionFacts },
  ) {
    const versions = (await this.suites.latestVersionsFor(kind, resolution)).filter((v) => !task || v.task === task);
    const available = [];
    const unavailable = [];
    const notApplicable = [];
    for (const v of versions) {
      const definition = this.definitionOf(v);
      if (definition instanceof StoredSuiteDefinitionError) {
        unavailable.push({ suiteId: v.suiteId, version: v.version, message: definition.message });
        continue;
      }
      const why = submission ? whyNotScored(definition, submission.manifest, submission.facts) : undefined;
      if (why) {
        notApplicable.push({ suiteId: v.suiteId, version: v.version, message: why });
        continue;
      }
      const reason = await this.unavailableReason(definition);
      if (reason === null) available.push(v);
      else unavailable.push({ suiteId: v.suiteId, version: v.version, message: reason });
    }
    return { available, unavailable, notApplicable };
  }
}

/** What a stored suite version's definition is read with. */
type StoredVersion = { suiteId: string; version: number; definition: unknown };

/** Where each kind of file goes, by the setting that names the directory (README.md, "Configuration"). */
const DIR_SETTING = { reference: '$GENBENCH_REFERENCE_DIR', model: '$GENBENCH_MODELS_DIR' } as const;

/** availability()'s message without server paths: files are named relative to the setting of their directory. */
export function publicReason(suite: SuiteDefinition, missing: readonly MissingFile[]): string {
  const head = `suite ${suite.id} v${suite.version} cannot run here`;
  if (isSegmentationSuite(suite)) {
    const dir = '$GENBENCH_DATASETS_DIR';
    const what =
      missing.length > 0
        ? `missing ${firstFew(missing.map((m) => `${dir}/${m.file}`))}`
        : `the files there are not the ${suite.dataset.images} images of the dataset`;
    return (
      `${head}: its dataset (${suite.dataset.type}, ${suite.dataset.images} images) is not complete under ${dir}: ${what}.\n` +
      `  ${datasetInstructions(suite, dir)}`
    );
  }
  const lines = missing.map((m) => {
    const dir = DIR_SETTING[m.kind ?? 'reference'];
    const how = howToMake(m, `${dir}/${m.file}`) ?? `download it from ${m.source} and put it in ${dir}`;
    return `  ${m.file} ${missingProblem(m)}: ${how}`;
  });
  return `${head}; ${missing.length === 1 ? 'a file it needs' : `${missing.length} files it needs`}:\n${lines.join('\n')}`;
}

function withoutSharding(definition: Record<string, unknown>): Record<string, unknown> {
  const { sharding: _sharding, ...rest } = definition;
  return rest;
}
