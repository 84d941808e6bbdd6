-- Kolada's ids of areas: Riket "0000", a region "00" + its county code ("0019" = 19), a municipality its own
-- four-digit code ("1980"); core.areas says which codes exist.
CREATE OR REPLACE MACRO kolada_area_id(level, area_code) AS
    CASE level WHEN 'country' THEN '0000' WHEN 'county' THEN '00' || area_code ELSE area_code END;
