-- core.activity_areas: VI 2000 activity areas (verksamhetsindelning) and which count as health care and primary care.
SELECT activity_code, activity_area, activity_area_en, health_care::BOOLEAN AS health_care,
       primary_care::BOOLEAN AS primary_care
FROM read_csv('{reference}/activity_areas.csv', header = true, all_varchar = true)
