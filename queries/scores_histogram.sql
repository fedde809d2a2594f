-- Self-scores of the filtered reports in bins of $bin_width points, counted here so the
-- chart gets one bar per bin, not one value per report. A bin holds scores from bin_start
-- up to (not including) bin_end; full marks ($full_points) get a bin of their own, which ends
-- there.
with binned as (
    select floor(r.self_score / $bin_width) * $bin_width as bin_start
    from reports r
    join scope s on s.report_no = r.report_no
    where r.self_score is not null
)
select bin_start, least(bin_start + $bin_width, greatest(bin_start, $full_points)) as bin_end, count(*) as reports
from binned
group by bin_start
order by bin_start;
