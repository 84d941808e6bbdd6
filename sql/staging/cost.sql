-- staging.cost: ledger rows typed, joined to the cost centre's unit as registered that month, the VI 2000 activity area and the account list, with the finding of the first blocking rule of pipelines/quality/suites/cost.yaml each row breaks (pipelines/quality/quarantine.py adds it).
-- partition: period month
-- lookback: 1
WITH typed AS (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.period, r.month AS month_text,
           -- months after the month the file was delivered (its modification time): above 0 cannot have happened
           datediff('month', date_trunc('month', (SELECT max(f.modified_at) FROM raw.regional_files f
                                                  WHERE f.source = 'cost' AND f.file_version_id = r.file_version_id))::DATE,
                    strptime(r.period || '-01', '%Y-%m-%d')::DATE) AS months_after_delivery,
           -- within the period the file's name gives (false: a row of another month, held out)
           in_named_period(r.period, (SELECT max(f.named_period) FROM raw.regional_files f
                                            WHERE f.source = 'cost' AND f.file_version_id = r.file_version_id))
               AS in_file_period,
           nullif(trim(r.cost_centre), '') AS cost_centre, nullif(trim(r.account), '') AS account,
           nullif(trim(r.activity_code), '') AS activity_code,
           parse_decimal(r.amount_sek) AS amount_sek, r.amount_sek AS amount_text, trim(r.voucher) AS voucher
    FROM raw.cost r
), cost_centre_months AS (
    SELECT * FROM core.unit_months
    QUALIFY row_number() OVER (PARTITION BY cost_centre, period ORDER BY valid_from DESC, unit_id) = 1
)
SELECT
    t.*, u.unit_id, u.unit_type, u.county_code, a.activity_area, a.health_care, a.primary_care,
    left(t.account, 1) AS account_class, coalesce(k.hired_staff, false) AS hired_staff,
    coalesce(k.personnel, left(t.account, 1) = '5') AS personnel,
    g.months_missing_before, g.continuity_text
FROM typed t
LEFT JOIN cost_centre_months u ON u.cost_centre = t.cost_centre AND u.period = t.period
LEFT JOIN core.activity_areas a ON a.activity_code = t.activity_code
LEFT JOIN core.accounts k ON k.account = t.account
LEFT JOIN month_gaps('cost') g ON g.source_file = t.source_file AND g.source_row = t.source_row
