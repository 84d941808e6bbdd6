-- Areas with SCB codes: '00' Riket (country), two digits a county (= region), four digits a municipality.
SELECT area_code, name, name_short, level, parent_code FROM core.areas ORDER BY area_code
