"""Benchmarks and the synthetic portfolio they run on; not part of the product."""
