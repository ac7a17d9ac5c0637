-- CreateIndex
CREATE INDEX "evaluations_suite_version_id_status_idx" ON "evaluations"("suite_version_id", "status");
