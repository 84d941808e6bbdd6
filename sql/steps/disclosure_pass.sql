-- Disclosure control, step 2 of 2: one pass of secondary suppression. pipelines/disclosure.py repeats it
-- until a pass makes nothing more secret (secrets only ever grow, so it ends). Then, for the numerators and
-- the denominators each, no group of disclosure_relations holds exactly one secret count, and no group
-- of disclosure_identities mixes secret and published: a secret count is never the total minus
-- published parts, nor a part: total minus the other parts, nor published elsewhere.
-- A count that is not secret counts as known, even where its cell is withheld for another count's sake (it
-- may be published in another value), so only secrets protect one another.
--   a group with exactly one secret count (and a total that has that count): one more count of the group becomes secret, chosen in this order:
--     a part before the total; a cell already withheld before one still shown (nothing more disappears);
--     a count above 0 before a zero; the smallest count; the first cell in key order (deterministic)
--   an identity group with a secret count: all its counts become secret
-- Parameter: $pass_number (recorded on the counts it makes secret). Returns the number of counts.
CREATE OR REPLACE TEMP TABLE disclosure_newly AS
WITH withheld AS (
    SELECT cell_id FROM disclosure_quantities WHERE secret GROUP BY cell_id
), m AS (
    SELECT r.relation_id, r.grouping, r.is_total, q.cell_id, q.quantity, q.q, q.secret,
           w.cell_id IS NOT NULL AS withheld
    FROM disclosure_relations r
    JOIN disclosure_quantities q USING (cell_id)
    LEFT JOIN withheld w USING (cell_id)
), open_sums AS (
    -- a group whose total has no such count (not delivered in whole: NULL, never 0) reveals nothing by subtraction
    SELECT relation_id, quantity FROM m
    GROUP BY relation_id, quantity HAVING count(*) FILTER (WHERE secret) = 1 AND bool_or(is_total)
), identities AS (
    SELECT i.relation_id, i.cell_id, i.quantity, q.secret
    FROM disclosure_identities i
    JOIN disclosure_quantities q USING (cell_id, quantity)
), open_identities AS (
    SELECT relation_id FROM identities GROUP BY relation_id HAVING bool_or(secret) AND NOT bool_and(secret)
), chosen AS (
    SELECT grouping, cell_id, quantity
    FROM m SEMI JOIN open_sums USING (relation_id, quantity)
    WHERE NOT secret
    QUALIFY row_number() OVER (PARTITION BY relation_id, quantity
                               ORDER BY is_total, withheld DESC, q > 0 DESC, q, cell_id) = 1
    UNION ALL
    SELECT 'identity', cell_id, quantity
    FROM identities SEMI JOIN open_identities USING (relation_id)
    WHERE NOT secret
)
SELECT cell_id, quantity, min(grouping) AS grouping FROM chosen GROUP BY cell_id, quantity;

UPDATE disclosure_quantities q
SET secret = true, pass = $pass_number,
    reason = 'secondary: ' || CASE n.grouping
        WHEN 'sex' THEN 'K + M = T would reveal a suppressed value'
        WHEN 'age_group' THEN 'the age groups add up to all ages and would reveal a suppressed value'
        WHEN 'category' THEN 'the categories add up to all and would reveal a suppressed value'
        WHEN 'unit' THEN 'the health centres or hospitals add up to the area and would reveal a suppressed value'
        WHEN 'area' THEN 'the municipalities add up to the county (the counties to Riket) and would reveal a suppressed value'
        WHEN 'period' THEN 'the months add up to the year and would reveal a suppressed value'
        WHEN 'age_band' THEN 'the age bands of listed_inhabitants add up to the age group and would reveal a suppressed value'
        WHEN 'identity' THEN 'the same count is in another value that is suppressed'
    END
FROM disclosure_newly n
WHERE q.cell_id = n.cell_id AND q.quantity = n.quantity;

SELECT count(*) FROM disclosure_newly;
