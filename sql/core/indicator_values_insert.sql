-- Append one indicator's values from the temporary view indicator_source, which holds the
-- rows of the indicator's own SQL (area_code, period, sex, numerator, denominator, synthetic).
-- Parameters: $indicator_id, $version, $kind ('count' or 'ratio'), $scale.
INSERT INTO core.indicator_values
SELECT
    $indicator_id,
    area_code,
    period,
    sex,
    CASE
        WHEN $kind = 'count' THEN numerator
        WHEN denominator > 0 THEN numerator / denominator * $scale
    END,
    numerator,
    denominator,
    $version,
    coalesce(synthetic, false)
FROM indicator_source
WHERE area_code IS NOT NULL AND period IS NOT NULL AND sex IS NOT NULL;

SELECT count(*) AS duplicate_keys
FROM (
    SELECT area_code, period, sex FROM core.indicator_values
    WHERE indicator_id = $indicator_id
    GROUP BY ALL HAVING count(*) > 1
);
