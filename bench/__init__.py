"""Benchmarks of Taizhang against a province-sized database (never timed tests).

See ``bench/README.md`` for how to run them and ``docs/performance.md`` for the figures.
"""
