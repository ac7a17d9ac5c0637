-- Visibility moves from the model to each version (issue #12): a submission's choice covers that version
-- only. Existing versions take their model's current visibility, which is what every reader applied to them
-- until now, so the move exposes nothing that was hidden and hides nothing that was shown.
ALTER TABLE "model_versions" ADD COLUMN "visibility" "Visibility" NOT NULL DEFAULT 'public';

UPDATE "model_versions" mv SET "visibility" = m."visibility" FROM "models" m WHERE m."id" = mv."model_id";

ALTER TABLE "models" DROP COLUMN "visibility";
