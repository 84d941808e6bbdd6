-- staging.coverage: every unit the organisation register expects a regional source to deliver for a month (core.listings_coverage, core.staffing_coverage, core.cost_coverage, core.beds_coverage), one row per source, unit and month, shaped as a delivery so the validation gate judges it like one: the suite pipelines/quality/suites/coverage.yaml warns for every unit that did not deliver all it owed, and names it (quality_results, the Data Docs, the refresh summary). source_file and source_row are the register's row of the unit version that expects the delivery; the missing delivery has no row of its own.
-- partition: period year
WITH units AS (
    SELECT * FROM core.listings_coverage
    UNION ALL SELECT * FROM core.staffing_coverage
    UNION ALL SELECT * FROM core.cost_coverage
    UNION ALL SELECT * FROM core.beds_coverage
), register AS (
    SELECT unit_id, cost_centre, valid_from, coalesce(valid_to, DATE '9999-12-31') AS valid_to, source_file, source_row
    FROM staging.organisation
    WHERE finding IS NULL
)
SELECT u.source, u.county_code, u.period, u.unit_id, u.unit_name, u.counted, u.expected, u.delivered,
       u.delivered >= u.expected AS delivered_all,
       coalesce(u.missing_note, u.unit_id || ': ' || u.delivered || ' av ' || u.expected) AS missing_note,
       r.source_file, r.source_row
FROM units u
LEFT JOIN register r
       ON (CASE WHEN u.source = 'cost' THEN r.cost_centre ELSE r.unit_id END) = u.unit_id
      AND r.valid_from <= last_day(strptime(u.period || '-01', '%Y-%m-%d'))
      AND r.valid_to >= strptime(u.period || '-01', '%Y-%m-%d')::DATE
WHERE u.unit_id IS NOT NULL AND length(u.period) = 7
QUALIFY row_number() OVER (PARTITION BY u.source, u.period, u.unit_id ORDER BY r.valid_from DESC, r.source_row) = 1
