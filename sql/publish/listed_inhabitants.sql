-- Listed inhabitants (listade invånare) per month (period 'YYYY-MM'), health centre, age band and sex, with the health centre as registered that month. Counts below the disclosure threshold are withheld (suppressed, suppression_reason; table disclosure_rule).
-- period: the month, 'YYYY-MM'; the count at the end of the month
-- county_code: the county (region) of the health centre: the first two digits of its municipality code
-- municipality_code: the health centre's municipality (SCB's four-digit code) as registered that month
-- health_centre_id: the health centre's enhets_id (vårdcentral_id in the listing), e.g. '19-VC-007' (see units)
-- health_centre_name: the health centre's name (enhetsnamn) as registered that month
-- age_band: the age band (åldersgrupp) of the listed: '0-5', '6-17', '18-44', '45-64', '65-74', '75-79', '80-84' or '85+'
-- sex: 'K' women, 'M' men
-- listed: the number of inhabitants listed at the health centre (antal listade, vårdval)
-- synthetic: true when the row is synthetic (datakälla SYNTETISK): never report it as real
-- suppressed: true when listed is withheld by disclosure control (table disclosure_rule): fewer than N listed, or a cell that the indicator listed_inhabitants's published totals would otherwise reveal
-- suppression_reason: why listed is withheld ('primary: fewer than N persons' or 'secondary: ...'); NULL when shown
--! partition: period year
SELECT l.period, l.county_code, l.municipality_code, l.health_centre_id, l.health_centre_name, l.age_band, l.sex,
       CASE WHEN d.suppressed THEN NULL ELSE l.listed END AS listed, l.synthetic,
       coalesce(d.suppressed, false) AS suppressed, d.reason AS suppression_reason
FROM core.listed_inhabitants l
LEFT JOIN publish.disclosure_cells d
       ON d.source = 'listed_inhabitants' AND d.area_code = l.county_code AND d.unit_id = l.health_centre_id
      AND d.period = l.period AND d.sex = l.sex AND d.age_band = l.age_band AND d.suppressed
ORDER BY l.period, l.health_centre_id, l.age_band, l.sex
