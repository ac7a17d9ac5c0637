import { Prisma } from '../generated/prisma/client.js';
import type { Principal } from './tokens.service.js';

/**
 * Who may read what (README, "Security"): visibility belongs to each model version, as its submitter chose
 * it. Public versions are seen by everyone; private ones only by the model's owner and by admins. A model
 * is seen where at least one of its versions is. Every repository that reads models, versions, evaluations
 * or scores filters through this module, so the rule is written once.
 */
export type Viewer = { readonly all: true } | { readonly all: false; readonly owner: string | null };

/** The viewer a request reads as: admins see everything, a submitter or runner their own private versions too. */
export function viewerOf(principal: Principal | undefined): Viewer {
  if (principal?.role === 'admin') return { all: true };
  return { all: false, owner: principal?.owner ?? null };
}

/** Whether `viewer` may see a version of `owner`'s model whose visibility is `visibility`. */
export function canSeeVersion(viewer: Viewer, version: { visibility: string; owner: string }): boolean {
  return viewer.all || version.visibility === 'public' || (viewer.owner !== null && viewer.owner === version.owner);
}

/** The versions `viewer` may see, as a Prisma filter on ModelVersion. */
export function visibleVersions(viewer: Viewer): Prisma.ModelVersionWhereInput {
  if (viewer.all) return {};
  return viewer.owner === null ? { visibility: 'public' } : { OR: [{ visibility: 'public' }, { model: { owner: viewer.owner } }] };
}

/**
 * The same filter in SQL, for the ranked queries, over the query's aliases `mv` (model_versions) and `m`
 * (models).
 */
export function visibleVersionsSql(viewer: Viewer): Prisma.Sql {
  if (viewer.all) return Prisma.sql`true`;
  if (viewer.owner === null) return Prisma.sql`mv.visibility = 'public'`;
  return Prisma.sql`(mv.visibility = 'public' OR m.owner = ${viewer.owner})`;
}

/**
 * What a model row says about its visibility to a reader: "public" when one of the versions they see is
 * public, else "private" (only its owner or an admin gets that far).
 */
export function modelVisibility(versions: ReadonlyArray<{ visibility: string }>): 'public' | 'private' {
  return versions.some((v) => v.visibility === 'public') ? 'public' : 'private';
}
