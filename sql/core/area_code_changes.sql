-- core.area_code_changes: SCB area codes that were replaced (Heby 1917 -> 0331 in 2007), so old files still load.
SELECT old_code, new_code, CAST(valid_to AS DATE) AS valid_to, reason
FROM read_csv('{reference}/area_code_changes.csv', header = true, all_varchar = true)
