-- Refuses core.kolada_polarity (nothing of it is kept) when a line of data/reference/kolada_kpi_polarity.csv breaks the rules:
-- the first such line, what was found and what was expected, and how many lines do.
WITH problems AS (
    SELECT line, 'kpi_id' AS field, kpi_id AS found, 'a Kolada KPI id such as N70845' AS expected
    FROM core.kolada_polarity WHERE coalesce(kpi_id, '') = ''
    UNION ALL
    SELECT line, 'polarity', polarity, 'higher_is_better, lower_is_better or no_judgement'
    FROM core.kolada_polarity WHERE coalesce(polarity, '') NOT IN ('higher_is_better', 'lower_is_better', 'no_judgement')
    UNION ALL
    SELECT line, 'reason', reason, 'why the project set this polarity'
    FROM core.kolada_polarity WHERE coalesce(reason, '') = ''
    UNION ALL
    SELECT line, 'kpi_id', kpi_id, 'each KPI once: line ' || first_line || ' already sets it'
    FROM (SELECT line, kpi_id, min(line) OVER (PARTITION BY kpi_id) AS first_line FROM core.kolada_polarity)
    WHERE line > first_line
)
SELECT 'data/reference/kolada_kpi_polarity.csv, line ' || line || ', column ''' || field || ''': '''
       || coalesce(found, '') || ''' is not understood: expected ' || expected
       || CASE WHEN count(*) OVER () > 1 THEN ' (' || (count(*) OVER () - 1) || ' more problems in this file)' ELSE '' END
       AS problem
FROM problems ORDER BY line, field LIMIT 1
