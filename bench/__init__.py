"""The registry's benchmarks: `python -m bench [name ...]` (see docs/benchmarks.md)."""
