-- One report's funding by source (中央 / 省级 / 市县 / 其它), planned and arrived in 万元, with
-- the provenance of each row (funding_sources.N is the N-th row as written).
select f.source, f.planned, f.arrived, p.snippet, p.method, p.block, p.row_no, p.note
from funding_sources f
left join provenance p on p.report_id = f.report_id and p.field = 'funding_sources.' || f.source_no and p.witness_no = 0
where f.report_id = $report_id
order by f.source_no;
