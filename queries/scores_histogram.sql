-- Self-scores of the filtered reports in bins of $bin_width points, counted here so the
-- chart gets one bar per bin, not one value per report. A bin holds scores from bin_start
-- up to (not including) bin_end; full marks (100) get a bin of their own, which ends at 100.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), binned as (
    select floor(r.self_score / $bin_width) * $bin_width as bin_start
    from reports r
    join scope s on s.report_id = r.report_id
    where r.self_score is not null
)
select bin_start, least(bin_start + $bin_width, greatest(bin_start, 100)) as bin_end, count(*) as reports
from binned
group by bin_start
order by bin_start;
