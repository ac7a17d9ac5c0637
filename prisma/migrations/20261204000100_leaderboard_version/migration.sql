-- One row whose `version` changes, at commit, whenever anything a leaderboard shows changes: a succeeded
-- evaluation (stored, re-scored, deleted), a metric value, a model or model version (visibility, withdrawal,
-- deletion), a suite version. The API caches each rendered board under this version (api/src/leaderboard/
-- leaderboard-cache.ts), so a read checks one row instead of ranking 10,000 evaluations again.
CREATE TABLE "leaderboard_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "leaderboard_state_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "leaderboard_state_one_row" CHECK ("id" = 1)
);
INSERT INTO "leaderboard_state" ("id", "version") VALUES (1, 0);

CREATE FUNCTION "bump_leaderboard_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "leaderboard_state" SET "version" = "version" + 1 WHERE "id" = 1;
  RETURN NULL;
END;
$$;

-- Deferred constraint triggers run at commit, so the row lock on leaderboard_state is held only from then to
-- the end of the commit (writers storing results do not queue behind each other for their whole
-- transaction), and a reader that sees the new version also sees the data that changed it.
CREATE CONSTRAINT TRIGGER "leaderboard_metric_values" AFTER INSERT OR UPDATE OR DELETE ON "metric_values"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_leaderboard_version"();
CREATE CONSTRAINT TRIGGER "leaderboard_model_versions" AFTER INSERT OR UPDATE OR DELETE ON "model_versions"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_leaderboard_version"();
CREATE CONSTRAINT TRIGGER "leaderboard_models" AFTER INSERT OR UPDATE OR DELETE ON "models"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_leaderboard_version"();
CREATE CONSTRAINT TRIGGER "leaderboard_suite_versions" AFTER INSERT OR UPDATE OR DELETE ON "suite_versions"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_leaderboard_version"();
-- Only succeeded evaluations are ranked: progress, lease and status changes of queued or running ones
-- (many a second while runners work) leave the boards, and their cache, alone.
CREATE CONSTRAINT TRIGGER "leaderboard_evaluations_insert" AFTER INSERT ON "evaluations"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW."status" = 'succeeded') EXECUTE FUNCTION "bump_leaderboard_version"();
CREATE CONSTRAINT TRIGGER "leaderboard_evaluations_update" AFTER UPDATE ON "evaluations"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."status" = 'succeeded' OR NEW."status" = 'succeeded')
  EXECUTE FUNCTION "bump_leaderboard_version"();
CREATE CONSTRAINT TRIGGER "leaderboard_evaluations_delete" AFTER DELETE ON "evaluations"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."status" = 'succeeded') EXECUTE FUNCTION "bump_leaderboard_version"();
