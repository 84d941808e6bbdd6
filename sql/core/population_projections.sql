-- core.population_projections: projected persons (SCB BE0401, Framskriven folkmängd) by area, year, single year of age and sex, from the file version loaded last for each area and year.
--   * the cells as delivered (scb_persons, sql/macros/scb.sql): no total age row added, civil status and sex
--     totals taken as delivered or summed; ".." stays NULL, never 0;
--   * areas are taken as delivered (projections come per county or municipality; nothing is summed up).
SELECT area_code, year, age, sex, persons, synthetic, file_version_id
FROM scb_persons('staging.population_projections')
ORDER BY area_code, year, age, sex
