-- Departments ($group = 'dept') or regions ('region') of the filtered reports ranked by how
-- little their self-scores can be believed: the share at full marks with its 95 % Wilson
-- interval (so a group of three at 100 does not outrank a hundred at 90 %: the ranking is by
-- the interval's lower bound), the mean self-score against the mean execution rate, and the
-- mean gap of the re-scored reports (re-scored total − self-score). Groups with fewer than
-- $min_reports scored reports are not ranked; `unranked` counts them.
with scored as (
    select case $group when 'dept' then r.supervising_dept else concat_ws(' ', r.province, r.region) end
               as group_name,
           r.report_id, r.self_score, r.execution_rate
    from reports r
    join scope s on s.report_no = r.report_no
    where r.self_score is not null
), groups as (
    select group_name, count(*) as reports,
           count(*) filter (self_score >= $full_points) as full_score_reports,
           avg(self_score) as self_score_avg, avg(execution_rate) as execution_rate_avg,
           count(t.report_id) as rescored_reports, avg(t.rescored_total - g.self_score) as rescore_gap_avg
    from scored g
    left join rescored_totals t on t.report_id = g.report_id and t.rescored_items > 0
    where group_name is not null and group_name <> ''
    group by group_name
), wilson as (
    select *, full_score_reports / reports as full_score_share,
           1.96 * 1.96 / reports as z2n
    from groups
)
select group_name, reports, full_score_reports, full_score_share,
       greatest(0, (full_score_share + z2n / 2 - 1.96 * sqrt(full_score_share * (1 - full_score_share) / reports
                                                             + z2n / (4 * reports))) / (1 + z2n)) as share_low,
       least(1, (full_score_share + z2n / 2 + 1.96 * sqrt(full_score_share * (1 - full_score_share) / reports
                                                          + z2n / (4 * reports))) / (1 + z2n)) as share_high,
       self_score_avg, execution_rate_avg, self_score_avg - execution_rate_avg as score_minus_execution,
       rescored_reports, rescore_gap_avg,
       (select count(*) from groups where reports < $min_reports) as unranked
from wilson
where reports >= $min_reports
order by share_low desc, reports desc, group_name;
