-- Macros the indicators share.

-- listing_age_group(band): the listing's age bands in the indicators' age groups.
CREATE OR REPLACE MACRO listing_age_group(band) AS
    CASE WHEN band IN ('0-5', '6-17') THEN '0-17'
         WHEN band IN ('18-44', '45-64') THEN '18-64'
         WHEN band IN ('65-74', '75-79') THEN '65-79'
         WHEN band IN ('80-84', '85+') THEN '80+' END;

-- band_sum(persons, in_band): persons in an age band, NULL (unknown) when any of its cells is missing ('..').
CREATE OR REPLACE MACRO band_sum(persons, in_band) AS
    CASE WHEN bool_or(in_band AND persons IS NULL) THEN NULL
         ELSE sum(CASE WHEN in_band THEN persons ELSE 0 END) END;

