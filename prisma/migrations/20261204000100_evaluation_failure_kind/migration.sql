-- Failure kinds (issue #14.3): who must act on a failed evaluation, as a column instead of a prefix of the
-- reason. Rows failed before this migration keep NULL: their reasons are not rewritten.
CREATE TYPE "FailureKind" AS ENUM ('model', 'suite', 'infrastructure');

ALTER TABLE "evaluations" ADD COLUMN "failure_kind" "FailureKind";
