-- CreateEnum
CREATE TYPE "Visibility" AS ENUM ('public', 'private');

-- CreateEnum
CREATE TYPE "ScheduleScope" AS ENUM ('all', 'suite', 'model');

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN "daily_quota" INTEGER;

-- AlterTable
ALTER TABLE "models" ADD COLUMN "visibility" "Visibility" NOT NULL DEFAULT 'public';

-- AlterTable
ALTER TABLE "model_versions" ADD COLUMN "extra_artifacts" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "evaluations" ADD COLUMN "token_id" UUID,
ADD COLUMN "firing_id" UUID,
ADD COLUMN "previous_evaluation_id" UUID,
ADD COLUMN "drift" DOUBLE PRECISION,
ADD COLUMN "drift_flagged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "sample_grid_sha256" TEXT;

-- CreateTable
CREATE TABLE "schedules" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "scope" "ScheduleScope" NOT NULL,
    "suite_id" TEXT,
    "model_id" UUID,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedule_firings" (
    "id" UUID NOT NULL,
    "schedule_id" UUID NOT NULL,
    "slot" TIMESTAMPTZ(3) NOT NULL,
    "evaluations" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schedule_firings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "evaluations_token_id_queued_at_idx" ON "evaluations"("token_id", "queued_at");

-- CreateIndex
CREATE UNIQUE INDEX "schedule_firings_schedule_id_slot_key" ON "schedule_firings"("schedule_id", "slot");

-- AddForeignKey
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_suite_id_fkey" FOREIGN KEY ("suite_id") REFERENCES "suites"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_firings" ADD CONSTRAINT "schedule_firings_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
