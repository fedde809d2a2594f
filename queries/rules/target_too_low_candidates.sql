-- TARGET_TOO_LOW's candidates: indicators of reports that parsed whose actual's first number
-- is beyond their target's first number by more than the share ($target_exceeded_share),
-- full-width digits read as digits. A target or actual that ingest/rules.py reads as one
-- quantity ("≥２００个", as for UNMET_TARGET_FULL_SCORE) has that number as its value, so this
-- only narrows the rows; Python then reads comparator and unit, which SQL reads badly, and
-- decides.
with numbered as (
    select i.report_id, i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score,
           try_cast(regexp_extract(translate(i.target_raw, '０１２３４５６７８９．', '0123456789.'),
                                   '[0-9]+(\.[0-9]+)?') as double) as target_number,
           try_cast(regexp_extract(translate(i.actual_raw, '０１２３４５６７８９．', '0123456789.'),
                                   '[0-9]+(\.[0-9]+)?') as double) as actual_number
    from indicators i
    join reports r on r.report_id = i.report_id
    where r.parse_status <> 'failed' and i.name is not null
      and i.target_raw is not null and i.actual_raw is not null
)
select report_id, line_no, level1, level2, name, target_raw, actual_raw, weight, score,
       src(report_id, 'indicators.' || line_no) as source
from numbered
where target_number > 0 and actual_number > target_number * (1 + $target_exceeded_share)
order by report_id, line_no
