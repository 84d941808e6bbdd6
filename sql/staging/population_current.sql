-- For each area and year, the rows of the file version loaded last that delivered it:
-- a new version of a period replaces the old one; older versions stay in raw for lineage.
CREATE OR REPLACE VIEW staging.population_current AS
WITH winners AS (
    SELECT area_code, year, max(file_version_id) AS file_version_id
    FROM staging.population_parsed
    GROUP BY area_code, year
)
SELECT p.*, f.synthetic
FROM staging.population_parsed p
JOIN winners w USING (area_code, year, file_version_id)
JOIN raw.population_files f USING (file_version_id);
