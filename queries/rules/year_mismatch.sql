-- YEAR_MISMATCH: the narrative cites another fiscal year for this project's funds or its
-- evaluation (a paragraph copied from last year). Years in document titles and numbers, or
-- cited as background, are not mentions of this kind (extract_prose_form.py).
with found as (
    select m.report_id, r.fiscal_year,
           list(struct_pack(year := m.value::integer, role := m.role, snippet := m.snippet) order by m.mention_no) as years
    from mentions m
    join reports r on r.report_id = m.report_id
    where m.kind = 'year' and m.role in ('funds', 'evaluation') and r.fiscal_year is not null
      and m.value <> r.fiscal_year
    group by m.report_id, r.fiscal_year
)
select report_id,
       null as subject,
       printf('报告年度为 %d 年，正文却称%s：“%s”', fiscal_year,
              if(years[1].role = 'funds', printf('%d 年的项目资金', years[1].year), printf('%d 年的评价', years[1].year)),
              trim(years[1].snippet)) as message,
       printf('The report is for %d, but the text speaks of %s', fiscal_year,
              if(years[1].role = 'funds', printf('the project funds of %d', years[1].year),
                 printf('the evaluation of %d', years[1].year))) as message_en,
       to_json(struct_pack(fiscal_year := fiscal_year, cited := years,
                           source := src(report_id, 'fiscal_year'))) as evidence
from found
