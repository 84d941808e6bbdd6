-- Listed inhabitants (listade invånare) per month (period 'YYYY-MM'), health centre, age band and sex, with the health centre as registered that month.
SELECT period, county_code, municipality_code, health_centre_id, health_centre_name, age_band, sex, listed, synthetic
FROM core.listed_inhabitants ORDER BY period, health_centre_id, age_band, sex
