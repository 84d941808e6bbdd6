-- core.professions: the professions (yrke) of the staffing exports, with their group and the GP flags.
SELECT profession, profession_en, profession_group, gp_specialist::BOOLEAN AS gp_specialist,
       gp_trainee::BOOLEAN AS gp_trainee
FROM read_csv('{reference}/professions.csv', header = true, all_varchar = true)
