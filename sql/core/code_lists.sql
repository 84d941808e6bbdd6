-- Code lists the regional sources are checked against: professions, VI 2000 activity areas, RS-BAS accounts.
-- Parameters: $professions, $activity_areas, $accounts (paths of the bundled reference CSVs).
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.professions AS
SELECT profession, profession_en, profession_group, gp_specialist::BOOLEAN AS gp_specialist,
       gp_trainee::BOOLEAN AS gp_trainee
FROM read_csv($professions, header = true, all_varchar = true);

CREATE OR REPLACE TABLE core.activity_areas AS
SELECT activity_code, activity_area, activity_area_en, health_care::BOOLEAN AS health_care,
       primary_care::BOOLEAN AS primary_care
FROM read_csv($activity_areas, header = true, all_varchar = true);

CREATE OR REPLACE TABLE core.accounts AS
SELECT account, account_name, account_class, hired_staff::BOOLEAN AS hired_staff, personnel::BOOLEAN AS personnel
FROM read_csv($accounts, header = true, all_varchar = true);
