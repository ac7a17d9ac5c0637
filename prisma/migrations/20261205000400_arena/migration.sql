-- Human preference arena (issue #20): anonymous voter sessions, the pairs shown to a voter, their votes, and
-- versioned ratings. A pair is two evaluations of the same suite version shown at the same sample index
-- (same class label or prompt and seed), as tiles of their stored sample grids.
CREATE TYPE "ArenaChoice" AS ENUM ('left', 'right', 'tie', 'both_bad');

CREATE TABLE "arena_sessions" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "arena_sessions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "arena_sessions_token_hash_key" ON "arena_sessions"("token_hash");

CREATE TABLE "arena_pairs" (
    "id" UUID NOT NULL,
    "voter" TEXT NOT NULL,
    "suite_version_id" UUID NOT NULL,
    "sample_index" INTEGER NOT NULL,
    "left_evaluation_id" UUID NOT NULL,
    "right_evaluation_id" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "arena_pairs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "arena_pairs_voter_created_at_idx" ON "arena_pairs"("voter", "created_at");
ALTER TABLE "arena_pairs" ADD CONSTRAINT "arena_pairs_suite_version_id_fkey" FOREIGN KEY ("suite_version_id") REFERENCES "suite_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "arena_pairs" ADD CONSTRAINT "arena_pairs_left_evaluation_id_fkey" FOREIGN KEY ("left_evaluation_id") REFERENCES "evaluations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "arena_pairs" ADD CONSTRAINT "arena_pairs_right_evaluation_id_fkey" FOREIGN KEY ("right_evaluation_id") REFERENCES "evaluations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "arena_votes" (
    "id" UUID NOT NULL,
    "pair_id" UUID NOT NULL,
    "voter" TEXT NOT NULL,
    "suite_version_id" UUID NOT NULL,
    "sample_index" INTEGER NOT NULL,
    "evaluation_low_id" UUID NOT NULL,
    "evaluation_high_id" UUID NOT NULL,
    "choice" "ArenaChoice" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "discarded_at" TIMESTAMP(3),

    CONSTRAINT "arena_votes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "arena_votes_pair_id_key" ON "arena_votes"("pair_id");
CREATE UNIQUE INDEX "arena_votes_voter_sample_index_evaluation_low_id_evaluation_key" ON "arena_votes"("voter", "sample_index", "evaluation_low_id", "evaluation_high_id");
CREATE INDEX "arena_votes_suite_version_id_idx" ON "arena_votes"("suite_version_id");
CREATE INDEX "arena_votes_voter_created_at_idx" ON "arena_votes"("voter", "created_at");
ALTER TABLE "arena_votes" ADD CONSTRAINT "arena_votes_pair_id_fkey" FOREIGN KEY ("pair_id") REFERENCES "arena_pairs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "arena_ratings" (
    "id" UUID NOT NULL,
    "suite_version_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "algorithm" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "resamples" INTEGER NOT NULL,
    "vote_ids" UUID[],
    "entries" JSONB NOT NULL,
    "agreement" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "arena_ratings_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "arena_ratings_suite_version_id_version_key" ON "arena_ratings"("suite_version_id", "version");
ALTER TABLE "arena_ratings" ADD CONSTRAINT "arena_ratings_suite_version_id_fkey" FOREIGN KEY ("suite_version_id") REFERENCES "suite_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
