"""Latency and accuracy harnesses; results land in benchmarks/results/."""
