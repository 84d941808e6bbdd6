-- Disclosure control, the result: a cell is withheld when any of its counts is secret, with the reason of the
-- first (primary before secondary, the numerator before the denominator); then the post-condition.
UPDATE disclosure_work c
SET suppressed = true, reason = s.reason, pass = s.pass
FROM (
    SELECT cell_id, min_by(reason, pass * 2 + (quantity = 'denominator')::INTEGER) AS reason, min(pass) AS pass
    FROM disclosure_quantities
    WHERE secret
    GROUP BY cell_id
) s
WHERE c.cell_id = s.cell_id;

-- The post-condition (pipelines/disclosure.py refuses to publish when it fails): no group with exactly one
-- secret count whose total has that count (a total without it, NULL because its deliveries are incomplete,
-- is not published, so nothing is the total minus the published parts), no identity group mixing secret and published.
SELECT
    (SELECT count(*) FROM (
        SELECT relation_id, quantity
        FROM disclosure_relations JOIN disclosure_quantities USING (cell_id)
        GROUP BY relation_id, quantity HAVING count(*) FILTER (WHERE secret) = 1 AND bool_or(is_total))) AS open_sums,
    (SELECT count(*) FROM (
        SELECT relation_id
        FROM disclosure_identities JOIN disclosure_quantities USING (cell_id, quantity)
        GROUP BY relation_id HAVING bool_or(secret) AND NOT bool_and(secret))) AS open_identities;
