-- core.unit_months: the version of each unit valid in each month (the last one to start in it), up to the current month, so monthly facts join the register as it was in their month.
-- partition: period month
-- (A fact delivered for a month after the current one finds no unit that month and is held out as not
-- registered; when that month comes, this relation gains it and the fact's month is judged again.)
SELECT strftime(m.month, '%Y-%m') AS period, u.*
FROM core.units u,
     LATERAL (SELECT unnest(generate_series(date_trunc('month', u.valid_from),
                                            date_trunc('month', coalesce(u.valid_to, current_date)),
                                            INTERVAL 1 MONTH))::DATE AS month) m
QUALIFY row_number() OVER (PARTITION BY u.unit_id, m.month ORDER BY u.valid_from DESC) = 1
