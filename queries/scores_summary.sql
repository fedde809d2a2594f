-- Headline self-score figures for the filtered reports: how many have a score, its mean
-- and median, and how many sit at full marks ($full_points, jixiao.toml [full_score]).
select count(*) as reports,
       count(r.self_score) as scored_reports,
       avg(r.self_score) as self_score_avg,
       median(r.self_score) as self_score_median,
       count(*) filter (r.self_score >= $full_points) as full_score_reports,
       count(*) filter (r.self_score >= $full_points) / nullif(count(r.self_score), 0) as full_score_share
from reports r
join scope s on s.report_no = r.report_no;
