-- Own indicators beside their Kolada counterpart (indicators/benchmarks.yaml) per area, year and sex, with the difference. synthetic = true: the own value is built on synthetic data, never report it or the difference as real.
-- indicator_id: the own indicator (see indicators)
-- kpi_id: its Kolada counterpart (see benchmark_kpis)
-- area_code: SCB area code, as in indicator_values
-- period: the year, 'YYYY' (Kolada is yearly; monthly own values are not compared)
-- sex: 'T', 'K' or 'M'
-- own_value: the own indicator's value for the whole area (as in indicator_values)
-- kolada_value: Kolada's value (Källa: Kolada); NULL where Kolada has none for that area and year
-- difference: own_value - kolada_value
-- comparable: exact (the same definition) or approximate (the same concept, defined or delimited differently: see note)
-- note: how the own indicator's definition differs from the Kolada KPI's (indicators/benchmarks.yaml): what each counts, delimits and averages; read it before the difference
-- complete: false when the own value's deliveries are incomplete (as in indicator_values): own_value and difference are then NULL
-- incomplete_note: what is missing for the own value, in Swedish; NULL when complete
-- synthetic: true when the own value is built on synthetic data: never report it as real
-- suppressed: true when the own value is withheld by disclosure control (as in indicator_values; table disclosure_rule): own_value and difference are then NULL
SELECT b.indicator_id, b.kpi_id, b.area_code, b.period, b.sex,
       CASE WHEN d.suppressed THEN NULL ELSE b.own_value END AS own_value, b.kolada_value,
       CASE WHEN d.suppressed THEN NULL ELSE b.difference END AS difference, b.comparable, b.note, b.synthetic,
       coalesce(d.suppressed, false) AS suppressed, b.complete, b.incomplete_note
FROM indicators.benchmark_comparison b
LEFT JOIN publish.disclosure_cells d
       ON d.source = 'indicator_values' AND d.suppressed AND d.indicator_id = b.indicator_id
      AND d.area_code = b.area_code AND d.unit_id IS NULL AND d.period = b.period AND d.sex = b.sex
      AND d.age_group = 'all' AND d.category = 'all'
ORDER BY b.indicator_id, b.kpi_id, b.area_code, b.period, b.sex
