-- The regions' comments on their goals (goals/comments/*.yaml): what the region says about a goal's progress in an area, with its author and date, shown under the goal in the report.
-- goal_id: the goal (table goals)
-- region_code: the region whose goal it is
-- area_code: the area the comment is about (table goal_progress)
-- comment_date: the date the comment was written
-- author: who wrote it (name and role, as the file gives them)
-- text: the comment
-- comments_file: the file the comment comes from
SELECT * FROM core.goal_comments ORDER BY region_code, goal_id, area_code
