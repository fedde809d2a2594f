"""Jixiao ingest: 项目支出绩效自评报告 files -> the DuckDB store."""

# Bump when extraction changes what it produces; `--reparse` re-reads every archived
# original with the current version.
PARSER_VERSION = "1.1.0"
