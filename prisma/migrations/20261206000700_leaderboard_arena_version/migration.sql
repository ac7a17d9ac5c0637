-- Leaderboard entries show each version's arena standing (GET /api/leaderboards, `arena`, `sort=arena`): a new
-- arena rating version changes what a board shows, so it changes leaderboard_state.version at commit too, as
-- the other tables a board reads do (20261204000100_leaderboard_version).
CREATE CONSTRAINT TRIGGER "leaderboard_arena_ratings" AFTER INSERT OR UPDATE OR DELETE ON "arena_ratings"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_leaderboard_version"();
