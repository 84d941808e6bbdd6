-- What moved a value between two releases (docs/statistics.md, "What moved a value between two releases").
-- Created on the pipeline's connection while a release is written, and kept in every analyst.duckdb.

-- A ratio value v = scale × N / D moves from v0 = scale × N0 / D0 to v1 = scale × N1 / D1. As the product of
-- N and 1/D its move splits exactly into two parts (the midpoint or two-factor Shapley decomposition):
--   numerator part   = scale × (N1 − N0) × (1/D0 + 1/D1) / 2
--   denominator part = scale × (1/D1 − 1/D0) × (N0 + N1) / 2
-- and the two add up to v1 − v0 whatever the sizes or signs. NULL where either side lacks a numerator or has
-- no denominator to divide by (a count: its whole move is its numerator's).
CREATE OR REPLACE MACRO vintage_numerator_effect(scale, n0, d0, n1, d1) AS
    CASE WHEN n0 IS NULL OR n1 IS NULL OR d0 IS NULL OR d1 IS NULL OR d0 = 0 OR d1 = 0 THEN NULL
         ELSE scale * (n1 - n0) * (1.0 / d0 + 1.0 / d1) / 2 END;

CREATE OR REPLACE MACRO vintage_denominator_effect(scale, n0, d0, n1, d1) AS
    CASE WHEN n0 IS NULL OR n1 IS NULL OR d0 IS NULL OR d1 IS NULL OR d0 = 0 OR d1 = 0 THEN NULL
         ELSE scale * (1.0 / d1 - 1.0 / d0) * (n0 + n1) / 2 END;

-- Two numbers differ when one is missing and the other not, or when they differ by more than one part in 10^9
-- (below that it is the rounding of a recomputation, not a revision).
CREATE OR REPLACE MACRO vintage_number_differs(a, b) AS
    CASE WHEN a IS NULL OR b IS NULL THEN (a IS NULL) <> (b IS NULL)
         ELSE abs(a - b) > 1e-9 * greatest(abs(a), abs(b)) END;

-- The kind of change of a published indicator or Kolada value between two releases (release_changes.change).
-- complete_before/after: whether the deliveries the value rests on were complete (NULL: not known, as complete;
-- an incomplete period has no value, so its value's move is no revision).
CREATE OR REPLACE MACRO vintage_value_change(was, is_now, period_known, version_before, version_after,
                                             suppressed_before, suppressed_after, value_before, value_after,
                                             numerator_before, numerator_after, denominator_before,
                                             denominator_after, complete_before, complete_after) AS
    CASE WHEN NOT was THEN CASE WHEN period_known THEN 'new value' ELSE 'new period' END
         WHEN NOT is_now THEN 'withdrawn value'
         WHEN version_before IS DISTINCT FROM version_after THEN 'definition version changed'
         WHEN coalesce(complete_before, true) AND NOT coalesce(complete_after, true) THEN 'newly incomplete'
         WHEN NOT coalesce(complete_before, true) AND coalesce(complete_after, true) THEN 'complete again'
         WHEN NOT coalesce(suppressed_before, false) AND coalesce(suppressed_after, false) THEN 'newly suppressed'
         WHEN coalesce(suppressed_before, false) AND NOT coalesce(suppressed_after, false) THEN 'no longer suppressed'
         WHEN vintage_number_differs(value_before, value_after) OR vintage_number_differs(numerator_before, numerator_after)
              OR vintage_number_differs(denominator_before, denominator_after) THEN 'revised value'
         ELSE 'flags changed' END;
