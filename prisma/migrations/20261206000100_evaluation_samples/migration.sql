-- Per-sample images (issues #20.1, #15.4, #17.5): every scored generation evaluation keeps its first K samples
-- (the suite's preview_samples, default 64) as individual PNGs in the artifact store, with the condition each
-- answered. One row per (evaluation, index): a retried upload finds its row and changes nothing.
CREATE TABLE "evaluation_samples" (
    "id" UUID NOT NULL,
    "evaluation_id" UUID NOT NULL,
    "sample_index" INTEGER NOT NULL,
    "image_sha256" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "condition" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evaluation_samples_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "evaluation_samples_evaluation_id_sample_index_key" ON "evaluation_samples"("evaluation_id", "sample_index");
CREATE INDEX "evaluation_samples_image_sha256_idx" ON "evaluation_samples"("image_sha256");

ALTER TABLE "evaluation_samples" ADD CONSTRAINT "evaluation_samples_evaluation_id_fkey" FOREIGN KEY ("evaluation_id") REFERENCES "evaluations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
