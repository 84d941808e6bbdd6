-- staging.population_projections: SCB projection cells (BE0401) of the file version that won each area and year, with what the checks of pipelines/quality/suites/population_projections.yaml need (sql/macros/scb.sql).
SELECT * FROM scb_cells('raw.population_projections', 'raw.population_projections_files')
