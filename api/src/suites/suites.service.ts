import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { type Availability, availability } from '../../../runner/src/suites/availability.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { isDeepStrictEqual } from 'node:util';
import { SUITES } from '../../../benchmarks/index.js';
import { metricInfo } from '../../../runner/src/metrics/registry.js';
import type { Manifest } from '../../../runner/src/manifest/manifest.schemas.js';
import { type SubmissionFacts, whyNotScored } from '../../../runner/src/suites/suite-fit.js';
import { SuiteDefinition } from '../../../runner/src/suites/suite.schemas.js';
import type { ModelKind, Prisma } from '../generated/prisma/client.js';
import { SuitesRepository } from './suites.repository.js';

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
  availabilityOf(definition: unknown): Promise<Availability> {
    return availability(definition as SuiteDefinition, this.config.assets);
  }

  /** Writes every suite version declared in benchmarks/ into the database (idempotent). */
  async sync(definitions: readonly SuiteDefinition[] = SUITES): Promise<void> {
    for (const def of definitions) {
      await this.suites.upsertSuite({ id: def.id, task: def.task, resolution: def.resolution, description: def.description });
      const stored = await this.suites.findVersion(def.id, def.version);
      const protocol = JSON.parse(JSON.stringify(def)) as Prisma.InputJsonValue;
      if (stored) {
        // Compared after parsing the stored definition with today's schema, so a field added later with a
        // default that keeps old behaviour is not mistaken for a change of the suite.
        const reparsed = SuiteDefinition.safeParse(stored.protocol);
        const same = reparsed.success && isDeepStrictEqual(JSON.parse(JSON.stringify(reparsed.data)), protocol);
        if (!same) throw new SuiteVersionConflictError(def.id, def.version);
        continue;
      }
      await this.suites.createVersion({
        suiteId: def.id,
        version: def.version,
        task: def.task,
        resolution: def.resolution,
        kinds: def.kinds as ModelKind[],
        primaryMetric: def.primary,
        higherIsBetter: metricInfo(def.primary).higherIsBetter,
        protocol,
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
      const why = submission ? whyNotScored(v.protocol as unknown as SuiteDefinition, submission.manifest, submission.facts) : undefined;
      if (why) {
        notApplicable.push({ suiteId: v.suiteId, version: v.version, message: why });
        continue;
      }
      const a = await this.availabilityOf(v.protocol);
      if (a.available) available.push(v);
      else unavailable.push({ suiteId: v.suiteId, version: v.version, message: a.message });
    }
    return { available, unavailable, notApplicable };
  }
}
