-- The 06:00 bed census per ward and day (SKR's method): available (disponibla) and occupied beds, överbelagda, utlokaliserade, discharge-ready patients and discharges, with the ward as registered that day.
-- census_date: the census day (datum); the count is taken at 06:00
-- period: the census day's month, 'YYYY-MM'
-- county_code: the county (region) of the ward: the first two digits of its municipality code in the organisation register
-- hospital: the ward's hospital (sjukhus) as registered that day, e.g. 'Västmanlands sjukhus Västerås'; NULL where the register names none
-- ward_id: the ward's enhets_id (avdelnings_id in the census), e.g. '19-AVD-012' (see units)
-- ward_name: the ward's name (enhetsnamn) as registered that day
-- specialty: the ward's specialty (specialitet) as registered that day, e.g. 'Internmedicin'; NULL where the register names none
-- care_level: the ward's care level (vårdnivå) that day, e.g. 'specialiserad somatisk vård' or 'specialiserad psykiatrisk vård'
-- beds_available: available beds (disponibla vårdplatser) at 06:00: staffed beds that can take a patient
-- beds_occupied: occupied beds (belagda): the ward's patients on the ward at 06:00; at most beds_available + overcrowded
-- overcrowded: patients beyond the available beds (överbelagda) at 06:00
-- outlying: the ward's patients cared for on another ward (utlokaliserade) at 06:00
-- discharge_ready: patients ready for discharge still in hospital (utskrivningsklara) at 06:00
-- discharges: discharges (utskrivningar) from the ward that day
-- synthetic: true when the census row is synthetic (datakälla SYNTETISK): never report it as real
--! partition: period year
SELECT census_date, period, county_code, hospital, ward_id, ward_name, specialty, care_level, beds_available,
       beds_occupied, overcrowded, outlying, discharge_ready, discharges, synthetic
FROM core.bed_days ORDER BY census_date, ward_id
