-- The column holds the whole suite definition, not only its protocol choices: renamed, data kept.
ALTER TABLE "suite_versions" RENAME COLUMN "protocol" TO "definition";
