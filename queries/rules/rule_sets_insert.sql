-- One rule set of jixiao.toml [rule_sets] into the temp table rule_sets (queries.prepare).
insert into rule_sets
values ($set_no, $name, $province, $first_year, $last_year, $you, $liang, $zhong, $grade_required,
        $execution_weight, map($weight_keys::varchar[], $weight_values::double[]), $tier_high, $tier_low)
