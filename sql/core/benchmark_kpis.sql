-- core.benchmark_kpis: every KPI described by a current Kolada metadata page, with the polarity the project set for it (core.kolada_polarity); a KPI the polarity file does not list is taken as no_judgement, and polarity_set says so.
SELECT k.id AS kpi_id, k.title, nullif(k.description, '') AS description, k.operating_area, k.municipality_type,
       CASE lower(k.is_divided_by_gender) WHEN 'true' THEN true WHEN '1' THEN true
                                          WHEN 'false' THEN false WHEN '0' THEN false END AS is_divided_by_gender,
       coalesce(p.polarity, 'no_judgement') AS polarity,
       coalesce(p.reason, 'not set in data/reference/kolada_kpi_polarity.csv: ranked as no judgement') AS polarity_reason,
       p.polarity IS NOT NULL AS polarity_set,
       k.source_file, k.load_run
FROM staging.kolada_kpis k
LEFT JOIN core.kolada_polarity p ON p.kpi_id = k.id
ORDER BY kpi_id
