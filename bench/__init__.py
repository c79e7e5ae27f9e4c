"""Benchmarks (not part of the default test run): see bench/README.md."""
