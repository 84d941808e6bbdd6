-- Progress per goal and area: baseline and latest value, target, the yearly change required against the yearly change observed (least-squares line over the yearly values since the baseline), the projected value at the deadline and year of attainment with 95 % intervals, and a status (achieved, on track, at risk, off track, no data; monitored for premises) with its reason and what it rests on (certainty); for a goal with a number, what it takes in units of work (lever_change, with the assumption: SCB's population projection to the deadline). Rules: README, "Goal status". synthetic = true: built on synthetic data.
-- goal_id: the goal (table goals)
-- region_code: the region whose goal it is
-- area_code: the area followed
-- indicator_id: the indicator that measures the goal; NULL when none can
-- sex: the sex of the series followed
-- age_group: the age group of the series followed
-- category: the category of the series followed
-- direction: the desired direction: 'up', 'down' or 'none' (a premise)
-- baseline_year: the year the goal is measured from
-- baseline_value: the indicator's value in the baseline year; NULL when there is none
-- latest_year: the last year with a value
-- latest_value: the value in latest_year
-- target_value: the value to reach (a target given as a change from the baseline is added to the baseline value); NULL for goals with a direction only
-- deadline_year: the year the goal is to be reached by
-- years_observed: the number of consecutive yearly values the line is fitted on (from the baseline year on, after the last gap); a single one gives status no data
-- required_yearly_change: the change a year needed from the latest value to reach the target by the deadline
-- observed_yearly_change: the slope of the least-squares line through the yearly values since the baseline (two values or more)
-- observed_change_lower: lower bound of the slope's 95 % interval (t with n - 2 degrees of freedom; three values or more)
-- observed_change_upper: upper bound of the slope's 95 % interval
-- projected_value: the line's value at the deadline
-- projected_lower: lower bound of the line's 95 % interval at the deadline (three values or more)
-- projected_upper: upper bound of the line's 95 % interval at the deadline
-- attainment_year: the first year the line's value meets the target; NULL when achieved, moving away or without a target
-- attainment_year_earliest: the same year at the faster end of the slope's 95 % interval
-- attainment_year_latest: the same year at the slower end of the slope's interval; NULL when that end does not move towards the target
-- status: achieved, on track, at risk, off track or no data; monitored for a premise (direction 'none')
-- status_reason: why, in words, with the numbers behind it
-- unit: the indicator's unit
-- synthetic: true when the values behind the row are built on synthetic data
-- fit_first_year: the first year of the line (the baseline year, or the first year with a value after it; after a gap in the series, the first year after it); with latest_year the base period of the observed change and the projection
-- gap_years: the years without a value between the first and the latest yearly value since the baseline (not delivered, incomplete, a gap in the source's series), ', ' between them; the line uses the consecutive years after the last of them; NULL without a gap
-- certainty: what the status rests on: observed (a fact: met, deadline passed, a premise), uncertain basis (one or two yearly values: no interval), interval agrees (three or more values and the 95 % interval of the projection, or of the slope for a goal without a number, lies on the status's side), interval straddles (it reaches the other side), no values
-- lever_part: what the goal takes, in units of work (README, "Goal status"): the part of the value the region changes (numerator, denominator, or value for a count; indicators, lever_part); NULL where it is not computed (lever_assumption says why)
-- lever_other_latest: the other part of the value in the latest year (the listed inhabitants for doctors per listed, the inhabitants for beds per 1,000)
-- lever_other_at_deadline: the other part carried to the deadline (grown with SCB's population projection, or held)
-- lever_population_latest: the population the other part follows, in the latest year (SCB, table population; the lever's ages and the goal's sex)
-- lever_population_deadline: the same population in the deadline year, as SCB projects it (table population_projections)
-- lever_growth: lever_population_deadline / lever_population_latest (1 where the other part is held)
-- lever_latest: the lever part in the latest year, in its own unit (FTE, beds, SEK, MSEK)
-- lever_needed: the lever part that reaches the target at the deadline, given the other part at the deadline
-- lever_change: lever_needed - lever_latest in the units of work (lever_unit): + more, - fewer
-- lever_unit: the units of work of lever_change (doctor FTE, beds, million SEK)
-- lever_assumption: how lever_change was reached, with the numbers; or 'not computed: ' and why
-- suppressed: true when a yearly value the row rests on (from the baseline year on) is withheld by disclosure control (table disclosure_rule): every number derived from the values is then NULL (baseline and latest value, target, changes, projections, years of attainment) and status_reason says so; status is kept
WITH withheld AS (
    SELECT DISTINCT g.goal_id, g.area_code
    FROM goals.goal_progress g
    JOIN publish.disclosure_cells d
      ON d.source = 'indicator_values' AND d.suppressed AND d.indicator_id = g.indicator_id
     AND d.area_code = g.area_code AND d.unit_id IS NULL AND d.sex = g.sex AND d.age_group = g.age_group
     AND d.category = g.category AND length(d.period) = 4 AND CAST(d.period AS INTEGER) >= g.baseline_year
)
SELECT g.* REPLACE (
           CASE WHEN w.goal_id IS NULL THEN g.baseline_value END AS baseline_value,
           CASE WHEN w.goal_id IS NULL THEN g.latest_value END AS latest_value,
           CASE WHEN w.goal_id IS NULL THEN g.target_value END AS target_value,
           CASE WHEN w.goal_id IS NULL THEN g.required_yearly_change END AS required_yearly_change,
           CASE WHEN w.goal_id IS NULL THEN g.observed_yearly_change END AS observed_yearly_change,
           CASE WHEN w.goal_id IS NULL THEN g.observed_change_lower END AS observed_change_lower,
           CASE WHEN w.goal_id IS NULL THEN g.observed_change_upper END AS observed_change_upper,
           CASE WHEN w.goal_id IS NULL THEN g.projected_value END AS projected_value,
           CASE WHEN w.goal_id IS NULL THEN g.projected_lower END AS projected_lower,
           CASE WHEN w.goal_id IS NULL THEN g.projected_upper END AS projected_upper,
           CASE WHEN w.goal_id IS NULL THEN g.attainment_year END AS attainment_year,
           CASE WHEN w.goal_id IS NULL THEN g.attainment_year_earliest END AS attainment_year_earliest,
           CASE WHEN w.goal_id IS NULL THEN g.attainment_year_latest END AS attainment_year_latest,
           CASE WHEN w.goal_id IS NULL THEN g.lever_other_latest END AS lever_other_latest,
           CASE WHEN w.goal_id IS NULL THEN g.lever_other_at_deadline END AS lever_other_at_deadline,
           CASE WHEN w.goal_id IS NULL THEN g.lever_latest END AS lever_latest,
           CASE WHEN w.goal_id IS NULL THEN g.lever_needed END AS lever_needed,
           CASE WHEN w.goal_id IS NULL THEN g.lever_change END AS lever_change,
           CASE WHEN w.goal_id IS NULL THEN g.lever_assumption
                ELSE 'withheld: a value behind it is suppressed by disclosure control' END AS lever_assumption,
           CASE WHEN w.goal_id IS NULL THEN g.status_reason
                ELSE 'numbers withheld: a value behind them is suppressed by disclosure control (table disclosure_rule)'
           END AS status_reason),
       w.goal_id IS NOT NULL AS suppressed
FROM goals.goal_progress g
LEFT JOIN withheld w USING (goal_id, area_code)
ORDER BY g.region_code, g.goal_id, g.area_code
