-- Every place one report's values were read (provenance, SPEC §2), for marking them in its
-- text as read: each field's stored value (witness_no 0) and its witnesses, with the snippet
-- and where it sits (block, table row and column, character span in its paragraph).
-- Witnesses worked out from other figures (method 'computed') have no one place but are
-- listed, so that the page can say so.
select field, witness_no, method, snippet, block, row_no, col_no, char_start, char_end
from provenance
where report_id = $report_id and coalesce(snippet, '') <> ''
order by split_part(field, '.', 1), try_cast(split_part(field, '.', 2) as integer), field, witness_no;
