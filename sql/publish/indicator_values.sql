-- Indicator values per area, period ('YYYY' or 'YYYY-MM') and sex ('T', 'K', 'M'), with the numerator and denominator behind each value. synthetic = true: built on synthetic data, never report as real.
SELECT indicator_id, area_code, period, sex, value, numerator, denominator, definition_version, synthetic
FROM core.indicator_values ORDER BY indicator_id, area_code, period, sex
