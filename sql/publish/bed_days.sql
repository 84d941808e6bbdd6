-- The 06:00 bed census per ward and day (SKR's method): available (disponibla) and occupied beds, överbelagda, utlokaliserade, discharge-ready patients and discharges, with the ward as registered that day.
SELECT census_date, period, county_code, hospital, ward_id, ward_name, specialty, care_level, beds_available,
       beds_occupied, overcrowded, outlying, discharge_ready, discharges, synthetic
FROM core.bed_days ORDER BY census_date, ward_id
