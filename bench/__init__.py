"""Benchmarks on the shared corpus: build time, query latency in process and over HTTP."""
