-- "What did we publish on date X": the release that was current then, and every value as that release published
-- it. Kept in every analyst.duckdb (pipelines/vintages/history.py creates them there). The moment is
--   a date ('2026-03-01', DATE '2026-03-01'): the last release published on or before that day (Stockholm's date);
--   a time ('2026-03-01 08:00', TIMESTAMPTZ '2026-03-01 08:00:00+01'): the last release published before it
--     (a time without a zone is read in the session's time zone, DuckDB's TimeZone setting).
-- A release counts from the moment it was made (releases.published_at, the time in its name); it became current a
-- few seconds to minutes later, when it was complete.
CREATE OR REPLACE MACRO release_as_of(moment) AS (
    SELECT release FROM releases
    WHERE CASE WHEN length(CAST(moment AS VARCHAR)) <= 10 THEN published_on <= TRY_CAST(moment AS DATE)
               ELSE published_at <= TRY_CAST(moment AS TIMESTAMPTZ) END
    ORDER BY published_at DESC, release DESC
    LIMIT 1
);

CREATE OR REPLACE MACRO release_time_as_of(moment) AS (
    SELECT published_at FROM releases WHERE release = release_as_of(moment)
);

-- indicator_values as the release current at the moment published them (with the release that first published
-- each value): SELECT * FROM indicator_values_as_of(DATE '2026-03-01') WHERE indicator_id = 'occupancy'
CREATE OR REPLACE MACRO indicator_values_as_of(moment) AS TABLE
    SELECT h.* EXCLUDE (version_id, last_release, last_published_at, ended_release, ended_at, end_reason)
    FROM indicator_value_history h
    WHERE h.first_published_at <= release_time_as_of(moment)
      AND (h.ended_at IS NULL OR h.ended_at > release_time_as_of(moment));

-- goal_progress as the release current at the moment published it
CREATE OR REPLACE MACRO goal_progress_as_of(moment) AS TABLE
    SELECT h.* EXCLUDE (version_id, last_release, last_published_at, ended_release, ended_at, end_reason)
    FROM goal_progress_history h
    WHERE h.first_published_at <= release_time_as_of(moment)
      AND (h.ended_at IS NULL OR h.ended_at > release_time_as_of(moment));

-- benchmark_values (Kolada) as the release current at the moment published them
CREATE OR REPLACE MACRO benchmark_values_as_of(moment) AS TABLE
    SELECT h.* EXCLUDE (version_id, last_release, last_published_at, ended_release, ended_at, end_reason)
    FROM benchmark_value_history h
    WHERE h.first_published_at <= release_time_as_of(moment)
      AND (h.ended_at IS NULL OR h.ended_at > release_time_as_of(moment));
