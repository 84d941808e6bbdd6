-- How many of one release's changes (digest_changes) there are of each measure and kind, and how many warnings.
SELECT measure, change, count(*) AS n, count(*) FILTER (WHERE anomaly IS NOT NULL) AS warnings,
       bool_or(synthetic) AS synthetic
FROM digest_changes
GROUP BY measure, change
ORDER BY measure, change
