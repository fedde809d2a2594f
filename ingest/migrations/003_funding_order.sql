-- 003: funding sources keep their order as written (funding_sources.N in provenance) in a
-- column, not in DuckDB's rowid, which a Parquet export (parquet.py) does not carry.
alter table funding_sources add column source_no integer;

update funding_sources f
set source_no = numbered.position
from (select rowid as row_key, row_number() over (partition by report_id order by rowid) as position
      from funding_sources) numbered
where f.rowid = numbered.row_key;
