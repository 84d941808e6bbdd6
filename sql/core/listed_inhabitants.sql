-- core.listed_inhabitants: listed inhabitants (listade invånare) per month, health centre, age band and sex.
-- partition: period month
SELECT period, county_code, municipality_code, health_centre_id, health_centre_name, age_band, sex, listed, synthetic
FROM staging.listings
WHERE finding IS NULL
ORDER BY period, health_centre_id, age_band, sex
