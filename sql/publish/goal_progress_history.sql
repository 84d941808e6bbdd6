-- Every version of every goal's published progress, with the releases it was part of: the columns of goal_progress as those releases published them (status, its reason and certainty, baseline, latest value, target, projection, what it takes), one row from the release that first published them until the release that changed them. goal_progress_as_of(moment) gives the goal table as it stood then (vardpuls goals --as-of DATE prints it). synthetic = true: built on synthetic data.
-- goal_id: the goal (table goals)
-- area_code: the area followed
-- status: the goal's status as published then: achieved, on track, at risk, off track, no data, monitored
-- status_reason: why, in words, as published then
-- version_id: the version's number, unique in the table
-- first_release: the release that first published this version (table releases)
-- first_published_at: when that release was made
-- last_release: the last release that published it; NULL while the release you read still publishes it
-- last_published_at: when that last release was made; NULL while still published
-- ended_release: the release that no longer published it as it was; NULL while still published
-- ended_at: when that release was made; NULL while still published
--! columns described in: goal_progress
-- end_reason: 'revised' (its numbers or status changed: see release_changes) or 'withdrawn' (no longer followed); NULL while still published
SELECT h.* REPLACE (coalesce(e.last_release, h.last_release) AS last_release,
                    coalesce(e.last_published_at, h.last_published_at) AS last_published_at,
                    coalesce(e.ended_release, h.ended_release) AS ended_release,
                    coalesce(e.ended_at, h.ended_at) AS ended_at,
                    coalesce(e.end_reason, h.end_reason) AS end_reason)
FROM meta.vintage_goal_progress h
LEFT JOIN vintage_end_goal_progress e USING (version_id)
UNION ALL BY NAME
SELECT * FROM vintage_new_goal_progress
ORDER BY region_code, goal_id, area_code, first_published_at
