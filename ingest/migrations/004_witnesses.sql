-- 004: witnesses in provenance (SPEC §2). A key figure is often stated more than once: the
-- table's total, the sum of its sub-rows or lines, a sentence, a cover line. Row 0 of a field
-- is the value stored; rows 1.. are the other witnesses the report gives for it, each with
-- the value it states and whether that agrees with the stored one. `doubt` on row 0 says
-- why a value needs reading (witnesses of equal standing disagree, a table read only in
-- part); rules resting on such a value fire as `info` (rules.py).
alter table provenance add column witness_no integer default 0;
alter table provenance add column value double;
alter table provenance add column agrees boolean;
alter table provenance add column doubt varchar;
