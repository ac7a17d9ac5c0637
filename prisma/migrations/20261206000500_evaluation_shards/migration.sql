-- Sharded evaluations (issue #18): one row per shard, each with its own claim, progress and attempts, and
-- the stored partial result the evaluation's merge reads.
CREATE TABLE "evaluation_shards" (
    "evaluation_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "of" INTEGER NOT NULL,
    "start" INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    "status" "EvaluationStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "runner_id" TEXT,
    "heartbeat_at" TIMESTAMP(3),
    "partial_sha256" TEXT,
    "facts" JSONB,
    "failure_reason" TEXT,

    CONSTRAINT "evaluation_shards_pkey" PRIMARY KEY ("evaluation_id","index")
);
ALTER TABLE "evaluation_shards" ADD CONSTRAINT "evaluation_shards_evaluation_id_fkey" FOREIGN KEY ("evaluation_id") REFERENCES "evaluations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
