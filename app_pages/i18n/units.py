TEXTS = {
    "nav.units": {"zh": "单位画像", "en": "Unit profile"},
    "units.title": {"zh": "单位画像", "en": "Unit profile"},
    # Without ?unit=: finding a unit.
    "units.search_intro": {"zh": "按名称查找项目单位（在侧栏筛选出的报告中），查看它历年的预算、执行、得分与异常，以及在同级单位中的排名。",
                           "en": "Find an implementing unit by name (among the reports the sidebar's filters select) "
                                 "to see its budget, execution, scores and anomalies year by year, and its rank "
                                 "among its peers."},
    "units.search": {"zh": "查找单位", "en": "Find a unit"},
    "units.pick": {"zh": "选择单位", "en": "Choose a unit"},
    "units.pick_placeholder": {"zh": "从匹配的单位中选择…", "en": "Choose among the matches…"},
    "units.matches": {"zh": "共 {n} 个单位匹配，显示前 {shown} 个。", "en": "{n} units match; the first {shown} are offered."},
    "units.no_match": {"zh": "没有匹配的单位。", "en": "No unit matches."},
    "units.unknown.unit": {"zh": "没有名为“{unit}”的项目单位（须与报告中的单位名称完全一致）。",
                           "en": "There is no implementing unit named “{unit}” (the name must match the reports' exactly)."},
    "units.unknown.dept": {"zh": "没有名为“{unit}”的主管部门（须与报告中的名称完全一致）。",
                           "en": "There is no supervising department named “{unit}” (the name must match the reports' "
                                 "exactly)."},
    "units.open": {"zh": "画像", "en": "Profile"},
    "units.years_span": {"zh": "年度", "en": "Years"},
    "units.search_other": {"zh": "查找其他单位", "en": "Find another unit"},
    # With ?unit=: the profile.
    "units.scope_note.unit": {"zh": "本页显示该单位的全部报告（解析失败的除外），不受侧栏筛选影响；同级单位同样取全部报告。",
                              "en": "This page shows all of the unit's reports (failed parses aside), whatever the "
                                    "sidebar's filters; its peers are likewise taken from all reports."},
    "units.scope_note.dept": {"zh": "主管部门：本页显示其所属单位的全部报告（解析失败的除外），不受侧栏筛选影响；同级部门同样取全部报告。",
                              "en": "Supervising department: this page shows all of its units' reports (failed parses "
                                    "aside), whatever the sidebar's filters; its peers are likewise taken from all reports."},
    "units.heading.unit": {"zh": "{name}", "en": "{name}"},
    "units.heading.dept": {"zh": "{name}（主管部门）", "en": "{name} (supervising department)"},
    "units.depts": {"zh": "主管部门：{depts}", "en": "Supervising department: {depts}"},
    "units.years": {"zh": "历年概况", "en": "Year by year"},
    "units.trend": {"zh": "自评得分与预算执行率", "en": "Self-score and execution rate"},
    "units.trend_axis": {"zh": "分 / %", "en": "points / %"},
    "units.trend_score": {"zh": "平均自评得分", "en": "Mean self-score"},
    "units.trend_execution": {"zh": "预算执行率 %", "en": "Execution rate %"},
    "units.reuse": {"zh": "文本重复使用", "en": "Narrative reuse"},
    "units.reuse_intro": {"zh": "正文与本单位上一年度报告几乎相同，或与其他报告高度相似。",
                          "en": "Narratives that repeat the unit's report of the year before, or closely match "
                                "another report."},
    "units.reuse_none": {"zh": "未发现文本重复使用。", "en": "No narrative reuse was found."},
    "units.peers": {"zh": "同级排名", "en": "Rank among peers"},
    "units.peers_intro.unit": {"zh": "同级单位：同一年度、同一主管部门（或同一地区）的项目单位。各项排名第 1 为数值最高者：执行率越高越好；"
                                     "满分占比、每份报告异常数与自评高于复核的分差越高越值得关注。缺少某项数值的单位不参与该项排名。",
                               "en": "Peers: the implementing units of the same supervising department (or the same "
                                     "region) in the same year. Rank 1 is the highest value on each measure: for the "
                                     "execution rate the best; for the full-score share, anomalies per report and the "
                                     "self-score's lead over the re-score, the one most worth a look. A unit without a "
                                     "measure is not ranked on it."},
    "units.peers_intro.dept": {"zh": "同级部门：同一年度、同一地区（或同一省份）的主管部门，按其所属单位的全部报告计。各项排名第 1 为数值最高者：执行率越高越好；"
                                     "满分占比、每份报告异常数与自评高于复核的分差越高越值得关注。缺少某项数值的部门不参与该项排名。",
                               "en": "Peers: the supervising departments of the same region (or the same province) in "
                                     "the same year, each counted over all its units' reports. Rank 1 is the highest "
                                     "value on each measure: for the execution rate the best; for the full-score "
                                     "share, anomalies per report and the self-score's lead over the re-score, the one "
                                     "most worth a look. A department without a measure is not ranked on it."},
    "units.peers_dept": {"zh": "同一主管部门", "en": "Same supervising department"},
    "units.peers_region": {"zh": "同一地区", "en": "Same region"},
    "units.peers_province": {"zh": "同一省份", "en": "Same province"},
    "units.peers_none": {"zh": "没有可比的同级单位（报告未写明{group}）。",
                         "en": "No peers to compare with (the reports do not name the {group})."},
    "units.rank_line.unit": {"zh": "{year} 年（{group}，{peers} 个单位）：执行率排名 {execution}，满分占比排名 {full}，"
                                   "异常率排名 {anomaly}，复核分差排名 {gap}",
                             "en": "{year} ({group}, {peers} units): execution rate rank {execution}, full-score share "
                                   "rank {full}, anomaly rate rank {anomaly}, re-score gap rank {gap}"},
    "units.rank_line.dept": {"zh": "{year} 年（{group}，{peers} 个部门）：执行率排名 {execution}，满分占比排名 {full}，"
                                   "异常率排名 {anomaly}，复核分差排名 {gap}",
                             "en": "{year} ({group}, {peers} departments): execution rate rank {execution}, full-score "
                                   "share rank {full}, anomaly rate rank {anomaly}, re-score gap rank {gap}"},
    "units.reports.unit": {"zh": "该单位的报告（{n}）", "en": "The unit's reports ({n})"},
    "units.reports.dept": {"zh": "该部门所属单位的报告（{n}）", "en": "The department's units' reports ({n})"},
    # Column headers.
    "units.col.self_score_avg": {"zh": "平均自评得分", "en": "Mean self-score"},
    "units.col.full_score_share": {"zh": "满分占比", "en": "Full-score share"},
    "units.col.rescored_total_avg": {"zh": "平均复核得分", "en": "Mean re-score"},
    "units.col.rescored_reports": {"zh": "已复核报告", "en": "Re-scored reports"},
    "units.col.grades": {"zh": "等级", "en": "Grades"},
    "units.col.top_rules": {"zh": "主要异常", "en": "Main anomalies"},
    "units.col.confirmed": {"zh": "已确认", "en": "Confirmed"},
    "units.col.open": {"zh": "待审核", "en": "Open"},
    "units.col.other_file": {"zh": "相似的文件", "en": "Similar file"},
    "units.col.peer_group": {"zh": "同级组", "en": "Peer group"},
    "units.col.is_self.unit": {"zh": "本单位", "en": "This unit"},
    "units.col.is_self.dept": {"zh": "本部门", "en": "This department"},
    "units.col.peers": {"zh": "同级单位数", "en": "Peers"},
    "units.col.execution_rank": {"zh": "执行率排名", "en": "Execution rank"},
    "units.col.full_score_rank": {"zh": "满分占比排名", "en": "Full-score rank"},
    "units.col.anomaly_rate": {"zh": "每份报告异常数", "en": "Anomalies per report"},
    "units.col.anomaly_rank": {"zh": "异常率排名", "en": "Anomaly rank"},
    "units.col.rescore_gap": {"zh": "自评 − 复核", "en": "Self − re-score"},
    "units.col.rescore_gap_rank": {"zh": "分差排名", "en": "Gap rank"},
    # The report page's link here.
    "units.from_report": {"zh": "单位画像：{unit}", "en": "Unit profile: {unit}"},
    "units.from_report_dept": {"zh": "主管部门画像：{dept}", "en": "Department profile: {dept}"},
}
