-- One implementing unit, or with $level = 'dept' one supervising department (matched
-- exactly: setup.sql's profile_of), among its peers: the units (departments) of the same
-- peer group in the same fiscal year, the group being the supervising department ($peer =
-- 'dept'), the region within its province ('region'; two provinces may each have a 朝阳区)
-- or the province ('province'). `member` is the unit's or department's name.
-- Every peer of every (year, group) the unit reported in, the unit's own rows marked
-- (is_self), ranked on four measures, 1 = the highest value: execution rate (Σ spent ÷
-- Σ budget over reports giving both; higher is better), full-score share (self_score ≥
-- $full_points), anomalies per report, and the gap self-score − re-scored total over the
-- re-scored reports (setup.sql's rescored_totals), where there are any. A unit without a
-- measure is not ranked on it (null), so a rank runs 1..peers. Failed parses are left out,
-- and the sidebar's filters do not apply: the peers are the whole group.
with grouped as (
    select r.report_id, profile_of(r, $level) as member, r.fiscal_year, budget_of(r) as budget, r.spent,
           r.self_score,
           case $peer when 'dept' then r.supervising_dept
                      when 'region' then if(r.region is null, null, concat_ws(' ', r.province, r.region))
                      when 'province' then r.province
           end as peer_group
    from reports r
    where r.parse_status <> 'failed' and profile_of(r, $level) is not null and r.fiscal_year is not null
), own_groups as (
    select distinct fiscal_year, peer_group
    from grouped
    where member = $unit and peer_group is not null
), peer_reports as (
    select g.*
    from grouped g
    join own_groups o on o.fiscal_year = g.fiscal_year and o.peer_group = g.peer_group
), anomaly_counts as (
    select a.report_id, count(*) as anomalies
    from anomalies a
    join peer_reports p on p.report_id = a.report_id
    group by a.report_id
), measures as (
    select p.fiscal_year, p.peer_group, p.member,
           count(*) as reports,
           100 * sum(p.spent) filter (p.budget > 0 and p.spent is not null)
               / sum(p.budget) filter (p.budget > 0 and p.spent is not null) as execution_rate,
           count(*) filter (p.self_score >= $full_points) / nullif(count(p.self_score), 0) as full_score_share,
           coalesce(sum(c.anomalies), 0) / count(*) as anomaly_rate,
           avg(p.self_score - x.rescored_total) as rescore_gap
    from peer_reports p
    left join anomaly_counts c on c.report_id = p.report_id
    left join rescored_totals x on x.report_id = p.report_id and x.rescored_items > 0
    group by p.fiscal_year, p.peer_group, p.member
), ranked as (
    -- Partitioned also by whether the measure is missing, so the missing ones take no rank
    -- ahead of (or behind) the units that have it.
    select *,
           count(*) over (partition by fiscal_year, peer_group) as peers,
           if(execution_rate is null, null, rank() over (
               partition by fiscal_year, peer_group, execution_rate is null order by execution_rate desc))
               as execution_rank,
           if(full_score_share is null, null, rank() over (
               partition by fiscal_year, peer_group, full_score_share is null order by full_score_share desc))
               as full_score_rank,
           rank() over (partition by fiscal_year, peer_group order by anomaly_rate desc) as anomaly_rank,
           if(rescore_gap is null, null, rank() over (
               partition by fiscal_year, peer_group, rescore_gap is null order by rescore_gap desc))
               as rescore_gap_rank
    from measures
), final as (
    select fiscal_year, peer_group, member, member = $unit as is_self, peers, reports,
           execution_rate, execution_rank, full_score_share, full_score_rank, anomaly_rate, anomaly_rank,
           rescore_gap, rescore_gap_rank
    from ranked
)
select * from final
order by fiscal_year desc, peer_group, is_self desc, execution_rank nulls last, member;
