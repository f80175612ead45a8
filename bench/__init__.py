"""Benchmarks run by `make bench` (see run.py)."""
