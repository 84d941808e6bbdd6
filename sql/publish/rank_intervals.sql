-- Each region's rank among the regions with a value, per indicator (own or Kolada), year, sex, age group and category, with a 95 % interval for the rank where every ranked value has a confidence interval: the regions' values drawn 1,000 times within their intervals (seeded: the same on every run), ranked in each draw, and the 2.5th and 97.5th percentiles of each region's ranks (docs/statistics.md, "Rank with its uncertainty"). Shown as "plats 4 (2–9) av 21". synthetic = true: built on synthetic data. Where a ranked value is withheld (disclosure control), every rank of its group is withheld.
-- source: indicator (an own indicator, indicator_id) or kolada (a Kolada KPI, kpi_id)
-- indicator_id: the own indicator (table indicators); NULL for Kolada
-- kpi_id: the Kolada KPI (table benchmark_kpis); NULL for own indicators
-- area_code: the region (county), SCB's code
-- period: the year, 'YYYY'
-- sex: 'T', 'K' or 'M'
-- age_group: the age group, 'all' when not broken down
-- category: the category (profession group, specialty), 'all' when not broken down
-- value: the region's value
-- polarity: higher_is_better, lower_is_better or no_judgement
-- rank: the region's rank by the polarity (rank_basis): 1 = best; ties share the best rank
-- rank_lower: the best rank of the 95 % interval (the 2.5th percentile of the simulated ranks); NULL without an interval (interval_note says why)
-- rank_upper: the worst rank of the 95 % interval (the 97.5th percentile)
-- regions_ranked: the number of regions with a value, the ranks run from 1 to it
-- share_of_draws_first: the share of the simulated draws in which the region ranks first
-- draws: the number of simulated draws; NULL without an interval
-- seed: the seed of the simulation (the same seed gives the same interval)
-- method: simulation within the 95 % confidence intervals, or rank only
-- interval_note: why the rank has no interval (no confidence interval for the value, Kolada publishes none, one region only); NULL where it has one
-- rank_basis: what rank 1 is
-- synthetic: true when a ranked value is built on synthetic data: never report it as real
-- suppressed: true when a value of the group is withheld by disclosure control: its value and every rank of the group are then NULL
WITH withheld AS (
    SELECT DISTINCT d.indicator_id, d.area_code, d.period, d.sex, d.age_group, d.category
    FROM publish.disclosure_cells d
    JOIN core.areas a ON a.area_code = d.area_code AND a.level = 'county'
    WHERE d.source = 'indicator_values' AND d.suppressed AND d.unit_id IS NULL
), groups AS (
    SELECT DISTINCT indicator_id, period, sex, age_group, category FROM withheld
)
SELECT r.source, r.indicator_id, r.kpi_id, r.area_code, r.period, r.sex, r.age_group, r.category,
       CASE WHEN w.area_code IS NULL THEN r.value END AS value, r.polarity,
       CASE WHEN g.indicator_id IS NULL THEN r.rank END AS rank,
       CASE WHEN g.indicator_id IS NULL THEN r.rank_lower END AS rank_lower,
       CASE WHEN g.indicator_id IS NULL THEN r.rank_upper END AS rank_upper,
       r.regions_ranked,
       CASE WHEN g.indicator_id IS NULL THEN r.share_of_draws_first END AS share_of_draws_first,
       r.draws, r.seed, r.method,
       CASE WHEN g.indicator_id IS NULL THEN r.interval_note
            ELSE 'withheld: a ranked value is suppressed by disclosure control' END AS interval_note,
       r.rank_basis, r.synthetic,
       g.indicator_id IS NOT NULL AS suppressed
FROM indicators.rank_intervals r
LEFT JOIN groups g
       ON r.source = 'indicator' AND g.indicator_id = r.indicator_id AND g.period = r.period AND g.sex = r.sex
      AND g.age_group = r.age_group AND g.category = r.category
LEFT JOIN withheld w
       ON r.source = 'indicator' AND w.indicator_id = r.indicator_id AND w.area_code = r.area_code
      AND w.period = r.period AND w.sex = r.sex AND w.age_group = r.age_group AND w.category = r.category
ORDER BY r.source, r.indicator_id, r.kpi_id, r.period, r.sex, r.age_group, r.category, r.rank, r.area_code
