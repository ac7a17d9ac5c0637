-- Duplicate submissions (issue #12): each version records the fingerprint of what was submitted (artifact,
-- extra files, normalized manifest); the unique index makes two identical concurrent submissions of one model
-- store one version. Existing versions keep NULL (PostgreSQL treats NULLs as distinct) and are compared by
-- recomputing their fingerprint from the stored manifest.
ALTER TABLE "model_versions" ADD COLUMN "fingerprint" TEXT;

CREATE UNIQUE INDEX "model_versions_model_id_fingerprint_key" ON "model_versions"("model_id", "fingerprint");
