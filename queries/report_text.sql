-- One report's text as read (paragraphs and table rows in reading order), for the auditor
-- to read beside the figures; shown as plain text, never rendered.
select t.text, t.encoding, length(t.text) as characters
from report_texts t
where t.report_id = $report_id;
