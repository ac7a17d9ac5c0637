-- A running evaluation's claim is alive while its runner keeps posting (issue #13): the reconciler leaves a
-- live claim alone and a second runner's claim is refused until the lease runs out. Rows already running
-- have no heartbeat, which reads as an expired lease: exactly how they were treated until now.
ALTER TABLE "evaluations" ADD COLUMN "heartbeat_at" TIMESTAMP(3);
