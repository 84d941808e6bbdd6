-- core.indicator_values: one long table, one row per indicator, area, period and sex,
-- always with the numerator and denominator behind the value.
CREATE OR REPLACE TABLE core.indicator_values (
    indicator_id        VARCHAR NOT NULL,
    area_code           VARCHAR NOT NULL,
    period              VARCHAR NOT NULL,   -- 'YYYY' or 'YYYY-MM'
    sex                 VARCHAR NOT NULL,   -- 'T', 'K', 'M' as Kolada writes it
    value               DOUBLE,
    numerator           DOUBLE,
    denominator         DOUBLE,
    definition_version  INTEGER NOT NULL,
    synthetic           BOOLEAN NOT NULL    -- built on synthetic data: never report it as real
);
