-- core.kolada_polarity: the polarity the project set for each Kolada KPI (data/reference/kolada_kpi_polarity.csv), with the file's line numbers.
SELECT CAST(ordinality + 1 AS INTEGER) AS line, trim(kpi_id) AS kpi_id, trim(polarity) AS polarity, trim(reason) AS reason
FROM read_csv('{reference}/kolada_kpi_polarity.csv', header = true, all_varchar = true,
              columns = {'kpi_id': 'VARCHAR', 'polarity': 'VARCHAR', 'reason': 'VARCHAR'}) WITH ORDINALITY
