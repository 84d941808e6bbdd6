-- staging.population: SCB population cells (BE0101) of the file version that won each area and year, with what the checks of pipelines/quality/suites/population.yaml need (sql/macros/scb.sql).
SELECT * FROM scb_cells('raw.population', 'raw.population_files')
