-- Issue #17: one-step image-conditioned generators (condition image [+ noise] -> image) are a model kind of their own.
ALTER TYPE "ModelKind" ADD VALUE 'image_to_image';
