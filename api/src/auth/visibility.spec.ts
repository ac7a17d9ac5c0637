import { describe, expect, it } from 'vitest';
import { canSeeVersion, modelVisibility, viewerOf, visibleVersions, visibleVersionsSql } from './visibility.js';

const principal = (role: 'submitter' | 'admin' | 'runner', owner: string) => ({ tokenId: 't', owner, role, dailyQuota: null });

describe('visibility', () => {
  it('lets everyone see public versions, owners their private ones, admins everything', () => {
    const cases: Array<[string, ReturnType<typeof viewerOf>, boolean, boolean]> = [
      // viewer, sees alice's private version, sees a public version
      ['anonymous', viewerOf(undefined), false, true],
      ['bob (submitter)', viewerOf(principal('submitter', 'bob')), false, true],
      ['alice (owner)', viewerOf(principal('submitter', 'alice')), true, true],
      ['a runner named alice-runner', viewerOf(principal('runner', 'alice-runner')), false, true],
      ['admin', viewerOf(principal('admin', 'root')), true, true],
    ];
    for (const [name, viewer, seesPrivate, seesPublic] of cases) {
      expect(canSeeVersion(viewer, { visibility: 'private', owner: 'alice' }), name).toBe(seesPrivate);
      expect(canSeeVersion(viewer, { visibility: 'public', owner: 'alice' }), name).toBe(seesPublic);
    }
  });

  it('writes the same rule as a Prisma filter and as SQL', () => {
    expect(visibleVersions({ all: true })).toEqual({});
    expect(visibleVersions({ all: false, owner: null })).toEqual({ visibility: 'public' });
    expect(visibleVersions({ all: false, owner: 'alice' })).toEqual({ OR: [{ visibility: 'public' }, { model: { owner: 'alice' } }] });
    expect(visibleVersionsSql({ all: true }).sql).toBe('true');
    expect(visibleVersionsSql({ all: false, owner: null }).sql).toBe("mv.visibility = 'public'");
    const owner = visibleVersionsSql({ all: false, owner: "alice' OR true --" });
    // The owner is a bound parameter, never spliced into the text.
    expect(owner.sql).toBe("(mv.visibility = 'public' OR m.owner = ?)");
    expect(owner.values).toEqual(["alice' OR true --"]);
  });

  it('calls a model public when one of the versions its reader sees is', () => {
    expect(modelVisibility([{ visibility: 'private' }, { visibility: 'public' }])).toBe('public');
    expect(modelVisibility([{ visibility: 'private' }])).toBe('private');
  });
});
