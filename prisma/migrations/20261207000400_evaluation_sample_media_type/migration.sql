-- A kept sample is a PNG, or for a video evaluation an animated WebP of the whole video (issue #21.4): the
-- stored file's media type, and its frame count when animated. Existing rows are the PNGs they always were.
ALTER TABLE "evaluation_samples"
  ADD COLUMN "media_type" TEXT NOT NULL DEFAULT 'image/png',
  ADD COLUMN "frames" INTEGER,
  ADD CONSTRAINT "evaluation_samples_media_type_check" CHECK ("media_type" IN ('image/png', 'image/webp'));
