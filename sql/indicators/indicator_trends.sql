-- indicators.indicator_trends: the recent trend of every yearly series of a proportion or a rate of counts, as Fingertips marks it: the chi-squared test for trend over the five years up to the series' latest yearly value, at the 99.8 % level (sql/statistics/macros.sql, docs/statistics.md). Proportions (statistic wilson) use the test for proportions, rates of counts (poisson) the test for rates. A series is one indicator, area, unit, sex, age group and category. The five years must be consecutive and each have a value: a year without one inside the window (not delivered, an incomplete delivery, a gap in SCB's series) gives 'could not be calculated' and verdict_reason names it, as does a series shorter than five years; the test never runs across a gap. The verdict turned by the indicator's polarity is the assessment (trend_assessment): 'increasing and getting better', 'decreasing and getting worse', ..., as Fingertips labels its trend markers.
WITH yearly AS (
    SELECT v.indicator_id, v.area_code, v.unit_id, v.sex, v.age_group, v.category, v.numerator, v.denominator,
           v.complete, v.synthetic, i.statistic, i.polarity, CAST(v.period AS INTEGER) AS year,
           v.numerator IS NOT NULL AND v.denominator > 0 AS has_point
    FROM indicators.indicator_values v
    JOIN core.indicators i USING (indicator_id)
    WHERE length(v.period) = 4 AND i.statistic IN ('wilson', 'poisson')
), windowed AS (
    -- the window: the latest year with a value and the four years before it
    SELECT *, max(year) FILTER (WHERE has_point) OVER series AS last_year,
           min(year) FILTER (WHERE has_point) OVER series AS first_year
    FROM yearly
    WINDOW series AS (PARTITION BY indicator_id, area_code, unit_id, sex, age_group, category)
), tested AS (
    SELECT indicator_id, area_code, unit_id, sex, age_group, category, any_value(statistic) AS statistic,
           any_value(polarity) AS polarity, any_value(last_year) AS last_year, any_value(first_year) AS first_year,
           list(year ORDER BY year) FILTER (WHERE has_point) AS years_with_point,
           list(year ORDER BY year) FILTER (WHERE NOT complete) AS years_incomplete,
           trend_points(numerator, denominator, year) AS points,
           CASE WHEN any_value(statistic) = 'wilson' THEN trend_chi2(numerator, denominator, year)
                ELSE trend_chi2_rate(numerator, denominator, year) END AS chi2,
           trend_slope(numerator, denominator, year) AS slope,
           bool_or(synthetic) AS synthetic
    FROM windowed
    WHERE year BETWEEN last_year - 4 AND last_year
    GROUP BY indicator_id, area_code, unit_id, sex, age_group, category
), gaps AS (
    SELECT *,
           -- the years of the window inside the series' own span that have no value
           list_filter(range(last_year - 4, last_year + 1), lambda y: y >= first_year AND NOT list_contains(years_with_point, y))
               AS missing_years
    FROM tested
)
SELECT indicator_id, area_code, unit_id, sex, age_group, category,
       CAST(greatest(last_year - 4, first_year) AS VARCHAR) AS first_period, CAST(last_year AS VARCHAR) AS last_period,
       points,
       CASE WHEN statistic = 'wilson' THEN 'chi-squared test for trend in proportions'
            ELSE 'chi-squared test for trend in rates' END AS method,
       CASE WHEN len(missing_years) = 0 THEN chi2 END AS chi2, slope,
       CASE WHEN len(missing_years) > 0 THEN 'could not be calculated'
            ELSE trend_verdict(chi2, sign(slope), points) END AS verdict,
       CASE WHEN len(missing_years) > 0
            THEN 'a gap in the series: no value for ' || array_to_string(missing_years, ', ')
                 || CASE WHEN len(list_intersect(missing_years, coalesce(years_incomplete, []))) > 0
                         THEN ' (deliveries incomplete: ' || array_to_string(list_sort(list_intersect(missing_years,
                                  years_incomplete)), ', ') || ')' ELSE '' END
                 || '; the test needs five consecutive years'
            WHEN points < 5 THEN 'fewer than five yearly values (' || points || ', ' || first_year || '-' || last_year || ')'
            WHEN chi2 IS NULL THEN 'the statistic cannot be computed (every value 0 or every value the whole denominator)'
       END AS verdict_reason,
       polarity,
       trend_assessment(CASE WHEN len(missing_years) > 0 THEN 'could not be calculated'
                             ELSE trend_verdict(chi2, sign(slope), points) END, polarity) AS assessment,
       synthetic
FROM gaps
ORDER BY ALL
