-- indicators.benchmark_comparison: own indicator values beside their Kolada counterpart (indicators/benchmarks.yaml, core.benchmark_mapping), per area, year and sex, with the difference (own - Kolada) and how the two definitions differ (note); Kolada is yearly, so monthly own values are not compared, and only the area's whole value (no unit, all ages, all categories) is; Kolada's value is NULL where Kolada has none for that area and year. A pair whose KPI is not loaded has no rows.
SELECT m.indicator_id, m.kpi_id, own.area_code, own.period, own.sex,
       own.value AS own_value,
       kolada.value AS kolada_value,
       own.value - kolada.value AS difference,
       m.comparable, m.note,
       own.synthetic, own.complete, own.incomplete_note
FROM core.benchmark_mapping m
JOIN indicators.indicator_values own
  ON own.indicator_id = m.indicator_id AND own.unit_id IS NULL AND own.age_group = 'all' AND own.category = 'all'
LEFT JOIN core.benchmark_values kolada
       ON kolada.kpi_id = m.kpi_id AND kolada.area_code = own.area_code
      AND kolada.period = own.period AND kolada.sex = own.sex
WHERE regexp_full_match(own.period, '\d{4}')
  AND m.kpi_id IN (SELECT kpi_id FROM core.benchmark_values)
