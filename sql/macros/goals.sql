-- Macros of the goal progress (sql/goals/goal_progress.sql).

CREATE OR REPLACE MACRO t_975(df) AS
    -- Student's t, two-sided 95 % (0.975 quantile); from 31 degrees of freedom on the value of the next
    -- lower tabulated df, so the interval is never narrower than it should be.
    CASE
        WHEN df >= 121 THEN 1.980 WHEN df >= 61 THEN 2.000 WHEN df >= 41 THEN 2.021 WHEN df >= 31 THEN 2.042
        ELSE [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
              2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
              2.045, 2.042][df]
    END;

CREATE OR REPLACE MACRO goal_number(x, decimals) AS
    CASE WHEN x IS NULL THEN '-' ELSE printf('%.' || coalesce(decimals, 1) || 'f', x) END;

CREATE OR REPLACE MACRO goal_change(x, decimals) AS
    CASE WHEN x IS NULL THEN '-' ELSE printf('%+.' || (coalesce(decimals, 1) + 1) || 'f', x) END;
