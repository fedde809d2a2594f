TEXTS = {
    "budget.title": {"zh": "预算执行", "en": "Budget vs actual"},
    "budget.tab.categories": {"zh": "按经济分类", "en": "By category"},
    "budget.tab.years_areas": {"zh": "按年度与地区", "en": "By year and area"},
    "budget.intro": {
        "zh": "按经济分类科目比较计划支出数与实际支出数（万元）。计划与实际、超支与结余只按有计划数的科目行计算（有计划而实际支出为空，视为未支出）；"
              "没有计划数的行（空白、“-”或 0）的支出单列为无计划支出，其中表格中的行与只在正文中提到的金额分开显示。",
        "en": "Planned against actual spending by economic category (10k yuan). Planned against actual, over and under "
              "plan count only lines with a plan (a planned line with a blank actual counts as nothing spent); money "
              "spent on lines without a plan (blank, \"-\" or 0) is shown apart as unplanned, table lines apart from "
              "amounts only the narrative states.",
    },
    # Headline
    "budget.planned_group": {"zh": "**有计划数的科目行**（{lines} 行）", "en": "**Lines with a plan** ({lines})"},
    "budget.unplanned_group": {"zh": "**无计划数的行**（{lines} 行）", "en": "**Without a plan** ({lines})"},
    "budget.total_group": {"zh": "**合计**", "en": "**In all**"},
    "budget.planned": {"zh": "计划（万元）", "en": "Planned (10k yuan)"},
    "budget.actual": {"zh": "实际（万元）", "en": "Actual (10k yuan)"},
    "budget.over_under": {"zh": "差额：实际 − 计划", "en": "Actual − planned"},
    "budget.over_under_help": {"zh": "有计划数的科目行：实际 − 计划；正数为超支，负数为结余（万元）",
                               "en": "Lines with a plan: actual − planned; above zero over plan, below zero under plan (10k yuan)"},
    "budget.unplanned": {"zh": "无计划支出（万元）", "en": "Unplanned (10k yuan)"},
    "budget.unplanned_help": {"zh": "没有计划数（空白、“-”或 0）的行的实际支出，不计入计划与实际的对比",
                              "en": "Spent on lines without a plan (blank, \"-\" or 0); not part of planned against actual"},
    "budget.unplanned_split": {"zh": "表格 {table} · 仅正文叙述 {text}", "en": "Tables {table} · narrative only {text}"},
    "budget.unplanned_split_help": {"zh": "仅正文叙述：{lines} 行金额只在报告正文中提到，表格中没有",
                                    "en": "Narrative only: {lines} amounts only the report's text states, in no table"},
    "budget.actual_total": {"zh": "实际合计（万元）", "en": "Total (10k yuan)"},
    "budget.actual_total_help": {"zh": "有计划数的科目行的实际 + 无计划支出",
                                 "en": "Actual on lines with a plan + unplanned"},
    "budget.reconcile": {
        "zh": "实际支出合计 {total} = 有计划科目行的实际 {actual} + 无计划支出 {unplanned}（表格 {table} + 仅正文叙述 {text}）；"
              "差额 {over_under} = 实际 {actual} − 计划 {planned}。各数先四舍五入到 0.01 万元再相加减。",
        "en": "Actual in all {total} = actual on lines with a plan {actual} + unplanned {unplanned} (tables {table} + "
              "narrative only {text}); actual − planned {over_under} = {actual} − {planned}. Each figure is rounded to "
              "0.01 (10k yuan) before it is added or subtracted.",
    },
    "budget.not_counted": {"zh": "另有 {amount} 万元在金额为负数的行上，不计入以上数字（导入时已标出）。",
                           "en": "A further {amount} (10k yuan) sits on lines with a negative amount, flagged at ingest; "
                                 "it is in none of the figures above."},
    # Charts
    "budget.lines": {"zh": "科目行", "en": "Budget lines"},
    "budget.overspent": {"zh": "超支", "en": "Over plan"},
    "budget.underspent": {"zh": "结余", "en": "Under plan"},
    "budget.net": {"zh": "净差额（实际 − 计划）", "en": "Net (actual − planned)"},
    "budget.unplanned_table": {"zh": "无计划支出（表格）", "en": "Unplanned (table)"},
    "budget.unplanned_text": {"zh": "无计划支出（仅正文叙述）", "en": "Unplanned (narrative only)"},
    "budget.money_axis": {"zh": "金额（万元）", "en": "Amount (10k yuan)"},
    "budget.by_category": {"zh": "计划与实际（有计划数的科目行，按经济科目）",
                           "en": "Planned vs actual on lines with a plan, by economic category"},
    "budget.by_category_note": {"zh": "只有无计划支出的科目不在此图中，见下方“无计划支出”。",
                                "en": "Categories spent only without a plan are not on this chart; see \"Unplanned\" below."},
    "budget.click_hint": {"zh": "点击柱形可查看该科目的明细行（也可在下方选择科目）。",
                          "en": "Click a bar to list that category's budget lines (or choose the category below)."},
    "budget.with_unplanned": {"zh": "偏差图中加上无计划支出", "en": "Add unplanned spending to the variance charts"},
    "budget.with_unplanned_help": {
        "zh": "默认只显示有计划数的科目行的超支与结余。打开后，无计划支出叠加在超支之上（表格中的行与仅正文叙述的金额分开，后者带斜线），净差额仍只按有计划的行计算。",
        "en": "By default the variance charts show over and under plan on lines with a plan only. Switched on, unplanned "
              "spending is stacked above the overspend (table lines apart from narrative-only amounts, hatched); the "
              "net still counts lines with a plan only.",
    },
    "budget.variance_by_category": {"zh": "超支与结余（按经济科目）", "en": "Over and under plan by category"},
    "budget.unplanned_by_category": {"zh": "无计划支出（按经济科目）", "en": "Unplanned spending by category"},
    "budget.unplanned_note": {
        "zh": "没有计划数的行的支出，不计入计划与实际的对比。“仅正文叙述”是只在报告正文中提到、表格中没有的金额（斜线），无从核对计划。",
        "en": "Money spent on lines without a plan, outside planned against actual. \"Narrative only\" (hatched) is an "
              "amount only the report's text states, in no table: there is no plan to check it against.",
    },
    "budget.unplanned_none": {"zh": "筛选范围内没有无计划支出。", "en": "Nothing was spent without a plan in the filtered reports."},
    "budget.by_year": {"zh": "超支与结余（按年度）", "en": "Over and under plan by fiscal year"},
    "budget.by_area": {"zh": "超支与结余（按地区）", "en": "Over and under plan by area"},
    "budget.filter_hint": {"zh": "点击柱形即按该{what}筛选全部页面（页面顶部的标签可撤销）。",
                           "en": "Click a bar to filter every page by that {what} (the chip at the top undoes it)."},
    "budget.hint_year": {"zh": "年度", "en": "year"},
    "budget.hint_area": {"zh": "地区", "en": "area"},
    "budget.area_level": {"zh": "地区层级", "en": "Area level"},
    "budget.area_province": {"zh": "省份", "en": "Province"},
    "budget.area_region": {"zh": "市县区", "en": "Region"},
    "budget.area_top": {"zh": "图中显示偏差最大的 {shown} 个地区（共 {total} 个），全部见下表。",
                        "en": "The chart shows the {shown} areas with the largest deviations ({total} in all); the table lists every one."},
    "budget.unknown": {"zh": "（未知）", "en": "(unknown)"},
    "budget.area": {"zh": "地区", "en": "Area"},
    "budget.planned_lines_planned": {"zh": "有计划行：计划（万元）", "en": "Lines with a plan: planned (10k yuan)"},
    "budget.planned_lines_actual": {"zh": "有计划行：实际（万元）", "en": "Lines with a plan: actual (10k yuan)"},
    # Drill-down
    "budget.drill": {"zh": "科目明细", "en": "Budget lines of a category"},
    "budget.choose": {"zh": "经济科目", "en": "Economic category"},
    "budget.choose_placeholder": {"zh": "选择一个科目", "en": "Choose a category"},
    "budget.category_chip": {"zh": "经济科目：{name}", "en": "Category: {name}"},
    "budget.category_chip_help": {"zh": "点击取消选择该科目", "en": "Click to clear the category"},
    "budget.drill_count": {"zh": "共 {total} 行，按偏离计划的金额（没有计划数的行按实际金额）从大到小显示前 {shown} 行。",
                           "en": "{total} lines; the {shown} furthest from plan (a line without a plan: by what it spent) are shown first."},
    "budget.label_raw": {"zh": "原始科目名称", "en": "Label as written"},
    "budget.has_plan": {"zh": "有计划", "en": "Has a plan"},
    "budget.difference": {"zh": "实际 − 计划（万元）", "en": "Actual − planned (10k yuan)"},
    "budget.origin": {"zh": "来源", "en": "Source"},
    "budget.origin_table": {"zh": "表格", "en": "Table"},
    "budget.origin_text": {"zh": "正文叙述", "en": "Narrative"},
    # Data quality
    "budget.unmapped": {"zh": "未对应科目代码的名称", "en": "Labels without a category code"},
    "budget.unmapped_help": {
        "zh": "这些科目名称没有对应到经济分类科目代码，在上面的图中按原名称单独统计。",
        "en": "These labels map to no economic classification code; the charts above count them under the label itself.",
    },
    "budget.example_file": {"zh": "示例文件", "en": "Example file"},
    "budget.unmapped_none": {"zh": "筛选范围内的科目名称都已对应到科目代码。",
                             "en": "Every category label in the filtered reports maps to a code."},
    "budget.no_lines": {"zh": "筛选范围内的报告没有预算明细行。", "en": "The filtered reports have no budget lines."},
    # Year over year
    "budget.tab.year_over_year": {"zh": "逐年对比", "en": "Year over year"},
    "budget.yoy.intro": {
        "zh": "同一经济科目、同一项目单位逐年比较，每一年与其上一个有数据的年度相比。计划或实际（单位为预算或支出）变动超过较早一年的 {share}、"
              "且两年中有一年金额达到 {amount} 万元的，标 ⚠（阈值见 jixiao.toml 的 [year_over_year]）。科目的计划只计有计划数的行，"
              "实际为该科目的全部支出（含无计划支出）。没有年度的报告不计入。",
        "en": "The same economic category and the same unit year by year, each year against the previous year that has "
              "figures. A planned or actual amount (for a unit: budget or spending) that moves by more than {share} of "
              "the earlier year's, where one of the two years reaches {amount} (10k yuan), is marked ⚠ (thresholds in "
              "jixiao.toml, [year_over_year]). A category's plan counts lines with a plan; its actual is all it spent, "
              "unplanned spending included. Reports without a fiscal year are left out.",
    },
    "budget.yoy.one_year": {"zh": "筛选范围内只有一个年度，无从逐年比较：请在侧栏选择两个以上年度，或不限年度。",
                            "en": "The filtered reports cover one fiscal year: there is nothing to compare. Choose two "
                                  "or more years in the sidebar, or none."},
    "budget.yoy.measure": {"zh": "比较", "en": "Compare"},
    "budget.yoy.measure_planned": {"zh": "计划", "en": "Planned"},
    "budget.yoy.measure_actual": {"zh": "实际", "en": "Actual"},
    "budget.yoy.heatmap": {"zh": "各科目较上一年度的变动（{measure}）", "en": "Change on the year before, by category ({measure})"},
    "budget.yoy.heatmap_note": {
        "zh": "格中为较上一个有数据年度的变动比例，空格为该科目上一年度没有数据。只有标 ⚠ 的变动着色：红为增加，蓝为减少，±100% 及以上同色。"
              "悬停可见两年的金额。",
        "en": "Each cell is the change on the previous year with figures; a blank cell, no earlier year for that "
              "category. Only marked moves (⚠) are coloured: red up, blue down, ±100 % and beyond alike. Hover for "
              "both years' amounts.",
    },
    "budget.yoy.hover": {"zh": "{category}<br>{year} 较 {prev}：{before} → {after} 万元（{share}）",
                         "en": "{category}<br>{year} on {prev}: {before} → {after} (10k yuan, {share})"},
    "budget.yoy.colorbar": {"zh": "变动", "en": "Change"},
    "budget.yoy.year_axis": {"zh": "年度", "en": "Fiscal year"},
    "budget.yoy.by_category": {"zh": "逐年对比（按经济科目）", "en": "Year over year by economic category"},
    "budget.yoy.categories_top": {"zh": "显示全部支出最多的 {shown} 个科目（共 {total} 个）。",
                                  "en": "The {shown} categories that spent the most are shown ({total} in all)."},
    "budget.yoy.by_unit": {"zh": "逐年对比（按项目单位）", "en": "Year over year by unit"},
    "budget.yoy.units_shown": {
        "zh": "有两个以上年度的单位共 {total} 个，其中 {moved} 个有标记的变动；按最大的标记变动金额显示前 {shown} 个（其余按预算），"
              "每个单位列出各年度。点击单位名称打开单位画像。",
        "en": "{total} units have two or more years, {moved} of them a marked move; the {shown} with the largest marked "
              "move (in 10k yuan; then the largest budgets) are shown, every year of each. Click a unit to open its profile.",
    },
    "budget.yoy.units_none": {"zh": "筛选范围内没有跨两个以上年度的单位。",
                              "en": "No unit in the filtered reports has two or more years."},
    "budget.yoy.only_moved": {"zh": "只显示标记的行", "en": "Only rows with a marked move"},
    "budget.yoy.col_moved": {"zh": "变动超过{share}", "en": "Moved over {share}"},
    "budget.yoy.mark_planned": {"zh": "计划", "en": "planned"},
    "budget.yoy.mark_actual": {"zh": "实际", "en": "actual"},
    "budget.yoy.mark_budget": {"zh": "预算", "en": "budget"},
    "budget.yoy.mark_spent": {"zh": "支出", "en": "spent"},
    "budget.yoy.prev_year": {"zh": "比较年度", "en": "Against"},
    "budget.yoy.code": {"zh": "科目代码", "en": "Code"},
    # Column heads kept short, so that the tables fit at 1366 px; their help says what they count.
    "budget.yoy.planned_change": {"zh": "计划增减", "en": "Planned ±"},
    "budget.yoy.planned_change_share": {"zh": "计划增减 %", "en": "Planned ± %"},
    "budget.yoy.actual_change": {"zh": "实际增减", "en": "Actual ±"},
    "budget.yoy.actual_change_share": {"zh": "实际增减 %", "en": "Actual ± %"},
    "budget.yoy.budget_change": {"zh": "预算增减", "en": "Budget ±"},
    "budget.yoy.budget_change_share": {"zh": "预算增减 %", "en": "Budget ± %"},
    "budget.yoy.spent_change": {"zh": "支出增减", "en": "Spent ±"},
    "budget.yoy.spent_change_share": {"zh": "支出增减 %", "en": "Spent ± %"},
    "budget.yoy.change_help": {"zh": "较比较年度的增减（万元）", "en": "Change on the year it is compared with (10k yuan)"},
    "budget.yoy.share_help": {"zh": "增减占比较年度金额的百分比", "en": "The change as a percentage of that year's amount"},
}
