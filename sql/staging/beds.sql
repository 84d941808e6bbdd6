-- staging.beds: the 06:00 census typed, joined to the ward as registered on that day.
CREATE OR REPLACE TABLE staging.beds AS
WITH typed AS (
    SELECT r.source_file, r.source_row, r.load_run, r.synthetic, r.period, r.census_date AS census_date_text,
           parse_date(r.census_date) AS census_date, trim(r.ward_id) AS ward_id,
           parse_integer(r.beds_available) AS beds_available, parse_integer(r.beds_occupied) AS beds_occupied,
           parse_integer(r.overcrowded) AS overcrowded, parse_integer(r.outlying) AS outlying,
           parse_integer(r.discharge_ready) AS discharge_ready, parse_integer(r.discharges) AS discharges,
           r.beds_available AS beds_available_text, r.beds_occupied AS beds_occupied_text,
           r.overcrowded AS overcrowded_text, r.outlying AS outlying_text,
           r.discharge_ready AS discharge_ready_text, r.discharges AS discharges_text,
           row_number() OVER (PARTITION BY parse_date(r.census_date), trim(r.ward_id)
                              ORDER BY r.source_file, r.source_row) AS occurrence
    FROM raw.beds r
), resolved AS (
    SELECT t.*, t.beds_occupied - t.beds_available - t.overcrowded AS beds_over_capacity,
           u.unit_id, u.unit_name AS ward_name, u.unit_type, u.care_level, u.hospital, u.specialty,
           u.county_code, u.municipality_code
    FROM typed t
    LEFT JOIN core.units u ON u.unit_id = t.ward_id AND t.census_date >= u.valid_from
                          AND (u.valid_to IS NULL OR t.census_date <= u.valid_to)
)
SELECT
    *,
    CASE
        WHEN census_date IS NULL THEN ['datum', 'not a date (YYYY-MM-DD)', census_date_text]
        WHEN unit_id IS NULL THEN ['avdelnings_id', 'unknown ward (not in the organisation register that day)', ward_id]
        WHEN unit_type <> 'vårdavdelning' THEN ['avdelnings_id', 'not a ward (vårdavdelning) but ' || unit_type, ward_id]
        WHEN beds_available IS NULL OR beds_available < 0 THEN ['disponibla_vårdplatser', 'not a whole number >= 0', beds_available_text]
        WHEN beds_occupied IS NULL OR beds_occupied < 0 THEN ['belagda', 'not a whole number >= 0', beds_occupied_text]
        WHEN overcrowded IS NULL OR overcrowded < 0 THEN ['överbelagda', 'not a whole number >= 0', overcrowded_text]
        WHEN outlying IS NULL OR outlying < 0 THEN ['utlokaliserade', 'not a whole number >= 0', outlying_text]
        WHEN discharge_ready IS NULL OR discharge_ready < 0 THEN ['utskrivningsklara', 'not a whole number >= 0', discharge_ready_text]
        WHEN discharges IS NULL OR discharges < 0 THEN ['utskrivningar', 'not a whole number >= 0', discharges_text]
        WHEN beds_over_capacity > 0
            THEN ['belagda', 'more occupied beds than available plus överbelagda (' || beds_available || ' + ' || overcrowded || ')', beds_occupied_text]
        WHEN occurrence > 1 THEN ['avdelnings_id', 'duplicated ward-day', ward_id]
    END AS finding
FROM resolved;
