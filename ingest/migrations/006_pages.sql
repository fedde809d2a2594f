-- 006: PDFs, scans and workbooks (SPEC §2). Where on which page a value stands, and for scans
-- how surely it was recognised: provenance gets the page, the box (JSON [x0, top, x1, bottom]
-- in points from the page's top-left) and the OCR confidence (0..1) of the cell or paragraph
-- it came from; reports get ocr_confidence, the mean over the values used (scans only), and
-- the sheet a report came from when a workbook holds one report per sheet.
alter table provenance add column page integer;
alter table provenance add column box varchar;
alter table provenance add column confidence double;
alter table reports add column ocr_confidence double;
alter table reports add column sheet varchar;
