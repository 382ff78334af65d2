"""Benchmarks of logframe against DuckDB, Polars, pandas and plain Python (``make bench``)."""
