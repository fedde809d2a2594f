"""Named queries run against a store filled through the ingest pipeline."""
from __future__ import annotations

import duckdb
import pytest

import queries


@pytest.fixture(scope="module")
def conn(corpus_store):
    connection = duckdb.connect(str(corpus_store), read_only=True)
    yield connection
    connection.close()


def test_ingest_health_counts_each_offered_file_once(conn):
    health = dict(queries.run(conn, "ingest_health").iter_rows())
    assert health == {"ok": 34, "partial": 1}


def test_query_names_cannot_leave_the_folder():
    with pytest.raises((ValueError, FileNotFoundError)):
        queries.sql("../ingest/migrations/001_initial")
