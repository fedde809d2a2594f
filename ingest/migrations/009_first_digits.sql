-- 009: each report's first-digit counts over its budget lines' amounts (nine counts, digits
-- 1–9), written with the report by queries/store/first_digits.sql, which store.migrate also
-- runs over every report right after this script: the Benford queries sum the counts
-- instead of reading every line.
alter table reports add column first_digits integer[];
