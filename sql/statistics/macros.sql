-- The statistics of the indicator catalogue, as DuckDB macros: confidence intervals for proportions
-- (Wilson), counts and rates (exact Poisson / Byar), directly standardised rates (Dobson, European
-- Standard Population 2013) and the "recent trend" test. Loaded by pipelines/statistics.py
-- (register_statistics); described with formulas and worked examples in docs/statistics.md.
-- Parameters: $esp2013, $poisson_exact_limits (paths of the CSVs in data/reference/).
--
-- z is the normal deviate of the two-sided level: 1.959964 for 95 % (the default), 3.090232 for
-- 99.8 %, the two levels Fingertips publishes. Every limit is NULL when an input it needs is NULL.
CREATE SCHEMA IF NOT EXISTS core;

-- The European Standard Population 2013: 19 five-year bands, 0-4 .. 85-89 and 90+, 100,000 persons.
-- Eurostat (2013), Revision of the European Standard Population. Report of Eurostat's task force.
CREATE OR REPLACE TABLE core.esp2013 AS
SELECT age_band, age_from, age_to, standard_population
FROM read_csv($esp2013, header = true,
              columns = {'age_band': 'VARCHAR', 'age_from': 'INTEGER', 'age_to': 'INTEGER',
                         'standard_population': 'INTEGER'})
ORDER BY age_from;

-- Exact (chi-squared exact, Garwood 1936) limits for observed counts 0..9 at 90, 95, 99 and 99.8 %,
-- computed once by scripts/make_poisson_exact_limits.py (DuckDB has no chi-square quantile).
CREATE OR REPLACE TABLE core.poisson_exact_limits AS
SELECT confidence, z, observed, lower_limit, upper_limit
FROM read_csv($poisson_exact_limits, header = true,
              columns = {'confidence': 'DOUBLE', 'z': 'DOUBLE', 'observed': 'INTEGER',
                         'lower_limit': 'DOUBLE', 'upper_limit': 'DOUBLE'});

-- Wilson score interval for a proportion k/n, as fractions 0..1.
-- Wilson EB (1927), J Am Stat Assoc 22:209-212; Newcombe RG (1998), Stat Med 17:857-872 (method 3);
-- Newcombe RG, Altman DG (2000), in Altman et al., Statistics with confidence, 2nd ed., BMJ Books, 46-48;
-- PHE (2018) Technical Guide: Confidence intervals, appendix 3 (Wilson Score method), as Fingertips uses it.
-- NULL when k or n is NULL or n <= 0; k outside 0..n is an error.
CREATE OR REPLACE MACRO wilson_lower(k, n, z := 1.959964) AS
    CASE
        WHEN k IS NULL OR n IS NULL OR n <= 0 THEN NULL
        WHEN k < 0 OR k > n
            THEN error('wilson_lower: k = ' || k::VARCHAR || ' is outside 0..n (n = ' || n::VARCHAR || ')')
        ELSE greatest(0.0, (2 * k::DOUBLE + z * z - z * sqrt(z * z + 4 * k::DOUBLE * (1 - k::DOUBLE / n)))
                           / (2 * (n::DOUBLE + z * z)))
    END;

CREATE OR REPLACE MACRO wilson_upper(k, n, z := 1.959964) AS
    CASE
        WHEN k IS NULL OR n IS NULL OR n <= 0 THEN NULL
        WHEN k < 0 OR k > n
            THEN error('wilson_upper: k = ' || k::VARCHAR || ' is outside 0..n (n = ' || n::VARCHAR || ')')
        ELSE least(1.0, (2 * k::DOUBLE + z * z + z * sqrt(z * z + 4 * k::DOUBLE * (1 - k::DOUBLE / n)))
                        / (2 * (n::DOUBLE + z * z)))
    END;

-- Confidence limits for an observed count o (a rate's limits are limit / denominator * multiplier).
-- Fingertips' rule (PHE 2018, Technical Guide: Confidence intervals, appendices 1 and 2; OHID Fingertips
-- public health technical guidance, "Rates"; PHE tool for common public health statistics, Feb 2018):
--   o < 10:  the chi-squared exact method, O_L = chi2(a; 2o)/2, O_U = chi2(1 - a; 2o + 2)/2
--            (Armitage & Berry 2002), looked up in core.poisson_exact_limits;
--   o >= 10: Byar's approximation (Breslow & Day 1987, vol. II),
--            O_L = o (1 - 1/(9o) - z/(3 sqrt o))^3,  O_U = (o + 1)(1 - 1/(9(o + 1)) + z/(3 sqrt(o + 1)))^3.
-- o = 0 gives lower 0. Below 10, o must be a whole number and z one of the tabulated levels (90, 95,
-- 99 or 99.8 %, matched to within 0.0001): anything else is an error, never a silent guess. From 10 on
-- Byar's formula takes any real o and any z. A negative o is an error; NULL gives NULL.
CREATE OR REPLACE MACRO poisson_lower(o, z := 1.959964) AS
    CASE
        WHEN o IS NULL THEN NULL
        WHEN o < 0 THEN error('poisson_lower: the observed count ' || o::VARCHAR || ' is negative')
        WHEN o >= 10 THEN o::DOUBLE * pow(1 - 1 / (9 * o::DOUBLE) - z / (3 * sqrt(o::DOUBLE)), 3)
        WHEN o <> floor(o)
            THEN error('poisson_lower: exact limits need a whole count below 10, not ' || o::VARCHAR)
        ELSE coalesce(
            (SELECT e.lower_limit FROM core.poisson_exact_limits e WHERE e.observed = o AND abs(e.z - z) < 0.0001),
            error('poisson_lower: exact limits are tabulated for z = 1.644854, 1.959964, 2.575829, 3.090232 '
                  || '(90, 95, 99, 99.8 %), not ' || z::VARCHAR))
    END;

CREATE OR REPLACE MACRO poisson_upper(o, z := 1.959964) AS
    CASE
        WHEN o IS NULL THEN NULL
        WHEN o < 0 THEN error('poisson_upper: the observed count ' || o::VARCHAR || ' is negative')
        WHEN o >= 10
            THEN (o::DOUBLE + 1) * pow(1 - 1 / (9 * (o::DOUBLE + 1)) + z / (3 * sqrt(o::DOUBLE + 1)), 3)
        WHEN o <> floor(o)
            THEN error('poisson_upper: exact limits need a whole count below 10, not ' || o::VARCHAR)
        ELSE coalesce(
            (SELECT e.upper_limit FROM core.poisson_exact_limits e WHERE e.observed = o AND abs(e.z - z) < 0.0001),
            error('poisson_upper: exact limits are tabulated for z = 1.644854, 1.959964, 2.575829, 3.090232 '
                  || '(90, 95, 99, 99.8 %), not ' || z::VARCHAR))
    END;

-- Dobson's limits for a directly standardised rate (a weighted sum of Poisson counts):
--   DSR_L = DSR + sqrt(var_dsr / O) (O_L - O),  DSR_U = DSR + sqrt(var_dsr / O) (O_U - O)
-- with var_dsr = sum(w_i^2 o_i / n_i^2) / (sum w_i)^2 and O = sum(o_i), O_L, O_U from poisson_lower/upper.
-- Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991), Stat Med 10:457-462; PHE (2018) Technical Guide:
-- Confidence intervals, appendix 4. dsr and var_dsr on one scale (per person and its variance, or per
-- 100,000 and the variance times 100,000^2). NULL when O <= 0. Fingertips publishes no DSR for O < 10
-- (PHE tool, Feb 2018; Morris et al. 2018, Popul Health Metr 16, doi:10.1186/s12963-018-0177-1):
-- dsr_esp2013 below applies that rule.
CREATE OR REPLACE MACRO dobson_lower(dsr, var_dsr, o, z := 1.959964) AS
    CASE
        WHEN dsr IS NULL OR var_dsr IS NULL OR o IS NULL OR o <= 0 THEN NULL
        ELSE dsr + sqrt(var_dsr / o::DOUBLE) * (poisson_lower(o, z) - o::DOUBLE)
    END;

CREATE OR REPLACE MACRO dobson_upper(dsr, var_dsr, o, z := 1.959964) AS
    CASE
        WHEN dsr IS NULL OR var_dsr IS NULL OR o IS NULL OR o <= 0 THEN NULL
        ELSE dsr + sqrt(var_dsr / o::DOUBLE) * (poisson_upper(o, z) - o::DOUBLE)
    END;

-- The ESP 2013 band of a single year of age ('0-4' .. '85-89', '90+'); NULL for NULL or negative ages.
CREATE OR REPLACE MACRO esp2013_band(age) AS
    CASE
        WHEN age IS NULL OR age < 0 THEN NULL
        WHEN age >= 90 THEN '90+'
        ELSE (floor(age / 5) * 5)::INTEGER::VARCHAR || '-' || (floor(age / 5) * 5 + 4)::INTEGER::VARCHAR
    END;

-- Directly standardised rates to the ESP 2013 with Dobson limits, per group, as a table:
--   FROM dsr_esp2013(my_table [, z := 3.090232] [, multiplier := 100000])
-- my_table (a table or view name) has the columns age_band (as esp2013_band writes it), events and
-- population, and any other columns, which are the groups (area, period, sex, ...). Returns the group
-- columns with events, population, value, lower_limit, upper_limit (per multiplier). value and limits are
-- NULL unless the group has all 19 bands with population > 0 and events not NULL, and at least 10 events
-- (Fingertips' rule). An age band that is not an ESP 2013 band, or a band twice in a group, is an error.
-- Method: PHE (2018) Technical Guide: Confidence intervals, appendix 4; Dobson et al. (1991).
CREATE OR REPLACE MACRO dsr_esp2013(input, z := 1.959964, multiplier := 100000) AS TABLE
WITH banded AS (
    SELECT d.*, s.standard_population AS esp_weight
    FROM query_table(input) d
    LEFT JOIN core.esp2013 s USING (age_band)
), grouped AS (
    SELECT
        * EXCLUDE (age_band, events, population, esp_weight),
        count(*) AS esp_rows,
        count(DISTINCT age_band) AS esp_bands,
        string_agg(DISTINCT age_band, ', ' ORDER BY age_band) FILTER (WHERE esp_weight IS NULL) AS esp_unknown,
        count(*) FILTER (WHERE esp_weight IS NOT NULL AND population > 0 AND events IS NOT NULL) AS esp_usable,
        sum(events) AS esp_events,
        sum(population) AS esp_population,
        sum(esp_weight * events::DOUBLE / population) FILTER (WHERE population > 0) / 100000.0 AS esp_rate,
        sum(esp_weight::DOUBLE * esp_weight * events / (population::DOUBLE * population))
            FILTER (WHERE population > 0) / (100000.0 * 100000.0) AS esp_variance
    FROM banded
    GROUP BY ALL
), checked AS (
    SELECT
        *,
        CASE
            WHEN esp_unknown IS NOT NULL
                THEN error('dsr_esp2013: ' || esp_unknown || ' is not an age band of the European Standard '
                           || 'Population 2013 (0-4, 5-9, .., 85-89, 90+)')
            WHEN esp_rows <> esp_bands THEN error('dsr_esp2013: an age band appears more than once in a group')
            ELSE esp_usable = 19 AND esp_events >= 10
        END AS esp_publishable
    FROM grouped
)
SELECT
    * EXCLUDE (esp_rows, esp_bands, esp_unknown, esp_usable, esp_events, esp_population, esp_rate,
               esp_variance, esp_publishable),
    esp_events AS events,
    esp_population AS population,
    CASE WHEN esp_publishable THEN esp_rate * multiplier END AS value,
    CASE WHEN esp_publishable THEN dobson_lower(esp_rate, esp_variance, esp_events, z) * multiplier END
        AS lower_limit,
    CASE WHEN esp_publishable THEN dobson_upper(esp_rate, esp_variance, esp_events, z) * multiplier END
        AS upper_limit
FROM checked;

-- The recent-trend test: the chi-squared test for (linear) trend over the points of a series, as
-- aggregates over one row per point (k events of n at time t), for use with GROUP BY; Fingertips applies
-- it to the most recent five yearly points (OHID, Fingertips public health technical guidance, "Fingertips
-- trend markers"). A point counts when k, n and t are not NULL and n > 0.
CREATE OR REPLACE MACRO trend_keep(k, n, t, x) AS CASE WHEN k IS NOT NULL AND n > 0 AND t IS NOT NULL THEN x END;

-- The number of complete points.
CREATE OR REPLACE MACRO trend_points(k, n, t) AS count(trend_keep(k, n, t, 1));

-- U = sum(k_i t_i) - K sum(n_i t_i) / N and S = sum(n_i t_i^2) - (sum(n_i t_i))^2 / N, K = sum(k_i), N = sum(n_i).
CREATE OR REPLACE MACRO trend_score(k, n, t) AS
    sum(trend_keep(k, n, t, k::DOUBLE * t))
    - sum(trend_keep(k, n, t, k::DOUBLE)) * sum(trend_keep(k, n, t, n::DOUBLE * t)) / sum(trend_keep(k, n, t, n::DOUBLE));

CREATE OR REPLACE MACRO trend_spread(k, n, t) AS
    sum(trend_keep(k, n, t, n::DOUBLE * t * t))
    - pow(sum(trend_keep(k, n, t, n::DOUBLE * t)), 2) / sum(trend_keep(k, n, t, n::DOUBLE));

-- The slope b = U / S of the proportion (or rate per person) k/n on t, least squares weighted by n_i:
-- change per unit of t (Altman 1991, pp. 261-265). Its sign is the direction of the trend.
CREATE OR REPLACE MACRO trend_slope(k, n, t) AS trend_score(k, n, t) / nullif(trend_spread(k, n, t), 0);

-- Proportions: X^2 = U^2 / (p (1 - p) S), p = K / N, 1 degree of freedom. Armitage P (1955), Biometrics
-- 11:375-386 (the Cochran-Armitage test); Altman DG (1991), Practical statistics for medical research,
-- pp. 261-265. NULL when p is 0 or 1 or all t are equal; a point with k outside 0..n is an error.
CREATE OR REPLACE MACRO trend_chi2(k, n, t) AS
    CASE
        WHEN bool_or(k < 0 OR k > n) THEN error('trend_chi2: a point has k outside 0..n')
        ELSE pow(trend_score(k, n, t), 2)
             / nullif(sum(trend_keep(k, n, t, k::DOUBLE)) / sum(trend_keep(k, n, t, n::DOUBLE))
                      * (1 - sum(trend_keep(k, n, t, k::DOUBLE)) / sum(trend_keep(k, n, t, n::DOUBLE)))
                      * trend_spread(k, n, t), 0)
    END;

-- Rates (k events in n persons or person-years, k Poisson): X^2 = U^2 / (r S), r = K / N: the score test
-- for a log-linear trend in the rate (Breslow NE, Day NE 1987, Statistical methods in cancer research,
-- vol. II, IARC). NULL when K = 0 or all t are equal; a negative k is an error.
CREATE OR REPLACE MACRO trend_chi2_rate(k, n, t) AS
    CASE
        WHEN bool_or(k < 0) THEN error('trend_chi2_rate: a point has a negative count')
        ELSE pow(trend_score(k, n, t), 2)
             / nullif(sum(trend_keep(k, n, t, k::DOUBLE)) / sum(trend_keep(k, n, t, n::DOUBLE))
                      * trend_spread(k, n, t), 0)
    END;

-- The verdict of a series: significant at the 99.8 % level Fingertips uses for trend markers
-- (X^2 > 9.549536 = 3.090232^2, the 0.998 quantile of chi-squared with 1 df), with the direction from
-- slope_sign (sign(trend_slope(...))). Fewer than five points, or a statistic that cannot be computed:
-- 'could not be calculated'.
CREATE OR REPLACE MACRO trend_verdict(chi2, slope_sign, points) AS
    CASE
        WHEN points IS NULL OR points < 5 OR chi2 IS NULL THEN 'could not be calculated'
        WHEN chi2 <= 9.549536 THEN 'no significant change'
        WHEN slope_sign > 0 THEN 'increasing'
        WHEN slope_sign < 0 THEN 'decreasing'
        ELSE 'could not be calculated'
    END;

-- The recent trend with its direction of good, as Fingertips labels it (OHID, "Fingertips trend markers";
-- fingertips-open, TrendMarkerLabel): the verdict of trend_verdict turned by the indicator's polarity into
-- 'increasing and getting better', 'increasing and getting worse', 'decreasing and getting better',
-- 'decreasing and getting worse'; without a judgement (polarity no_judgement) 'increasing' or 'decreasing';
-- 'no significant change' and 'could not be calculated' as they are.
CREATE OR REPLACE MACRO trend_assessment(verdict, polarity) AS
    CASE
        WHEN verdict IS NULL THEN NULL
        WHEN verdict NOT IN ('increasing', 'decreasing') THEN verdict
        WHEN polarity = 'higher_is_better'
            THEN verdict || CASE WHEN verdict = 'increasing' THEN ' and getting better' ELSE ' and getting worse' END
        WHEN polarity = 'lower_is_better'
            THEN verdict || CASE WHEN verdict = 'increasing' THEN ' and getting worse' ELSE ' and getting better' END
        ELSE verdict
    END;

-- Comparison with a benchmark by a confidence interval, as Fingertips compares an area with England
-- (OHID, Fingertips public health technical guidance, "Comparing to a benchmark"; fingertips-open,
-- SingleOverlappingCIsComparer): 'similar' when the benchmark lies inside the value's interval (limits
-- included); otherwise the value is higher or lower than the benchmark, 'better' or 'worse' by the
-- polarity ('higher_is_better', 'lower_is_better'), and 'higher' or 'lower' where the polarity makes no
-- judgement. NULL when the value, either limit or the benchmark is NULL (nothing to compare).
CREATE OR REPLACE MACRO benchmark_compare(value, lower_limit, upper_limit, benchmark, polarity) AS
    CASE
        WHEN value IS NULL OR lower_limit IS NULL OR upper_limit IS NULL OR benchmark IS NULL THEN NULL
        WHEN benchmark >= lower_limit AND benchmark <= upper_limit THEN 'similar'
        WHEN polarity = 'higher_is_better' THEN CASE WHEN value > benchmark THEN 'better' ELSE 'worse' END
        WHEN polarity = 'lower_is_better' THEN CASE WHEN value < benchmark THEN 'better' ELSE 'worse' END
        ELSE CASE WHEN value > benchmark THEN 'higher' ELSE 'lower' END
    END;

-- The quintile of a value among values without intervals, as Fingertips assigns it (fingertips-open,
-- QuintilesComparer and ValueCategoriesCalculator): the bounds are the 20th, 40th, 60th and 80th
-- percentiles of the values by linear interpolation between order statistics (DuckDB's quantile_cont,
-- R's type 7), and a value is in the first quintile whose upper bound it does not exceed: 1 holds the
-- lowest values, 5 the highest. bounds: quantile_cont(value, [0.2, 0.4, 0.6, 0.8]) over the group.
-- Fingertips assigns quintiles only to groups of five values or more: NULL when count < 5.
CREATE OR REPLACE MACRO fingertips_quintile(value, bounds, count) AS
    CASE
        WHEN value IS NULL OR bounds IS NULL OR count IS NULL OR count < 5 THEN NULL
        WHEN value <= bounds[1] THEN 1
        WHEN value <= bounds[2] THEN 2
        WHEN value <= bounds[3] THEN 3
        WHEN value <= bounds[4] THEN 4
        ELSE 5
    END;

-- What a quintile (1 = lowest values) says by the polarity: 'best', 'better', 'middle', 'worse',
-- 'worst'; without a judgement 'lowest', 'low', 'middle', 'high', 'highest'.
CREATE OR REPLACE MACRO quintile_assessment(quintile, polarity) AS
    CASE
        WHEN quintile IS NULL THEN NULL
        WHEN polarity = 'higher_is_better' THEN ['worst', 'worse', 'middle', 'better', 'best'][quintile]
        WHEN polarity = 'lower_is_better' THEN ['best', 'better', 'middle', 'worse', 'worst'][quintile]
        ELSE ['lowest', 'low', 'middle', 'high', 'highest'][quintile]
    END;

-- Funnel plot control limits for a proportion: the proportions k/n at which the Wilson score interval of
-- level z (1.959964 for the 95 % limits, 3.090232 for 99.8 %) of a unit with denominator n just reaches the
-- target proportion p0 (as fractions 0..1). A unit's proportion outside them has an interval that excludes
-- the target. PHEindicatormethods, calculate_funnel_limits and assign_funnel_significance (its
-- sigma_adjustment), after OHID's Fingertips technical guidance "Funnel plots"; Spiegelhalter DJ (2005),
-- Stat Med 24:1185-1202. Clamped to 0..1 as PHEindicatormethods clamps them; NULL when p0 or n is NULL,
-- n <= 0 or p0 is outside 0..1.
CREATE OR REPLACE MACRO funnel_proportion_limit(p0, n, z, side) AS
    CASE
        WHEN p0 IS NULL OR n IS NULL OR z IS NULL OR n <= 0 OR p0 < 0 OR p0 > 1 THEN NULL
        WHEN side NOT IN ('lower', 'upper')
            THEN error('funnel_proportion_limit: side must be ''lower'' or ''upper'', not ' || side::VARCHAR)
        ELSE least(1.0, greatest(0.0,
            (p0::DOUBLE * (n::DOUBLE / (z * z) + 1)
             + CASE WHEN side = 'lower' THEN -1 ELSE 1 END
               * sqrt(greatest(0.0,
                    pow(-8 * p0::DOUBLE * (n::DOUBLE / (z * z) + 1), 2)
                    - 64 * (1 / (z * z) + 1 / n::DOUBLE) * p0::DOUBLE
                      * (n::DOUBLE * (p0::DOUBLE * (n::DOUBLE / (z * z) + 2) - 1) + z * z * (p0::DOUBLE - 1)))) / 8)
            / (1 / (z * z) + 1 / n::DOUBLE) / n::DOUBLE))
    END;

-- Funnel plot position of a unit, from the position of the target against the unit's own intervals at
-- 95 % and 99.8 % (for a proportion the same as comparing k/n with funnel_proportion_limit; for a rate of
-- counts PHEindicatormethods' assign_funnel_significance compares the target with the unit's exact or
-- Byar limits): 'above 99.8 %', 'above 95 %', 'within', 'below 95 %', 'below 99.8 %'. NULL when an input
-- is NULL.
CREATE OR REPLACE MACRO funnel_position(target, lower_95, upper_95, lower_998, upper_998) AS
    CASE
        WHEN target IS NULL OR lower_95 IS NULL OR upper_95 IS NULL OR lower_998 IS NULL OR upper_998 IS NULL
            THEN NULL
        WHEN lower_998 > target THEN 'above 99.8 %'
        WHEN lower_95 > target THEN 'above 95 %'
        WHEN upper_998 < target THEN 'below 99.8 %'
        WHEN upper_95 < target THEN 'below 95 %'
        ELSE 'within'
    END;

-- Reproducible random numbers inside DuckDB, the same on every run and with any number of threads:
-- random() with setseed() is not (its order follows the threads), so a uniform is made from DuckDB's hash
-- of the text 'seed|key|draw|stream': its 53 high bits as a fraction strictly between 0 and 1,
-- ((h >> 11) + 0.5) / 2^53. (One text, not hash(seed, key, draw, stream): DuckDB combines the hashes of
-- several arguments so that two streams differing in the last argument correlate, r = 0.59.) A second
-- stream (1 or 2) gives the second uniform Box and Muller need. The same DuckDB version gives the same
-- numbers; another version may hash differently.
CREATE OR REPLACE MACRO seeded_uniform(seed, key, draw, stream) AS
    ((hash(concat_ws('|', seed, key, draw, stream)) >> 11)::DOUBLE + 0.5) / 9007199254740992.0;

-- A standard normal deviate by the Box-Muller transform of two seeded uniforms:
-- z = sqrt(-2 ln u1) cos(2 pi u2). Box GEP, Muller ME (1958), Ann Math Stat 29:610-611.
CREATE OR REPLACE MACRO seeded_normal(seed, key, draw) AS
    sqrt(-2 * ln(seeded_uniform(seed, key, draw, 1))) * cos(2 * pi() * seeded_uniform(seed, key, draw, 2));

-- A value drawn within its 95 % interval: a two-piece normal with its median at the value and its 2.5th
-- and 97.5th percentiles at the interval's limits (the lower half's spread from the lower limit, the upper
-- half's from the upper), so an asymmetric interval (Wilson, Poisson) keeps its shape. z: a standard
-- normal deviate (seeded_normal). NULL when the value or a limit is NULL.
CREATE OR REPLACE MACRO draw_within_interval(value, lower_95, upper_95, z) AS
    value + z * CASE WHEN z < 0 THEN value - lower_95 ELSE upper_95 - value END / 1.959964;
