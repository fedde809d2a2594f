-- The saved draws a report was drawn in, newest first: the report page says so.
select d.draw_id, d.name, d.method, d.seed, d.drawn_by, d.drawn_at
from sample_members m
join sample_draws d on d.draw_id = m.draw_id
where m.report_id = $report_id
order by d.drawn_at desc;
