-- staging.cost: ledger rows typed, joined to the cost centre's unit as registered that month,
-- the VI 2000 activity area and the account list.
CREATE OR REPLACE TABLE staging.cost AS
WITH typed AS (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.period, r.month AS month_text,
           trim(r.cost_centre) AS cost_centre, trim(r.account) AS account, trim(r.activity_code) AS activity_code,
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
    CASE
        WHEN t.period IS NULL THEN ['period', 'not a month (YYYY-MM)', t.month_text]
        WHEN u.unit_id IS NULL THEN ['kostnadsställe', 'unknown cost centre (not in the organisation register that month)', t.cost_centre]
        WHEN t.account IS NULL OR NOT regexp_full_match(t.account, '\d{4}') THEN ['konto', 'not a four-digit RS-BAS account', t.account]
        WHEN a.activity_code IS NULL THEN ['verksamhet', 'not a VI 2000 activity code in data/reference/activity_areas.csv', t.activity_code]
        WHEN t.amount_sek IS NULL THEN ['belopp', 'not a number', t.amount_text]
    END AS finding
FROM typed t
LEFT JOIN cost_centre_months u ON u.cost_centre = t.cost_centre AND u.period = t.period
LEFT JOIN core.activity_areas a ON a.activity_code = t.activity_code
LEFT JOIN core.accounts k ON k.account = t.account;
