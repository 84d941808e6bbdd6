-- core.bed_days: the 06:00 census per ward and day (SKR's method): available (disponibla) and occupied beds, överbelagda, utlokaliserade, discharge-ready (utskrivningsklara) patients and discharges.
-- partition: period month
SELECT census_date, strftime(census_date, '%Y-%m') AS period, county_code, hospital, ward_id, ward_name, specialty,
       care_level, beds_available, beds_occupied, overcrowded, outlying, discharge_ready, discharges, synthetic
FROM staging.beds
WHERE finding IS NULL
ORDER BY census_date, ward_id
