-- The indicator catalogue (indicators/*.yaml): titles, definitions, numerator and denominator in Swedish and English, unit, polarity, version.
SELECT * FROM core.indicators ORDER BY indicator_id
