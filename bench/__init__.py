"""Benchmarks: repeatable, printing numbers, never asserted in unit tests."""
