-- Live stage progress (issue #16.4): the runner's latest breakdown of where the evaluation's time goes
-- (stage running, done/total, rate, ETA, wall time per stage so far), posted with its progress at most once
-- a second. Reset when a runner claims the evaluation; kept after the run as its last breakdown.
ALTER TABLE "evaluations" ADD COLUMN "stage_progress" JSONB;
