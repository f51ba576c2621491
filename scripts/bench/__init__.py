"""``make bench`` (``python -m scripts.bench``): the chain's first benchmark.

Measures, in one run and back to back: the floors of PERFORMANCE.md (a bare FastAPI JSON GET,
a POST with one PostgreSQL insert, a service-to-service hop with httpx, aiohttp and the
chain's ServiceClient, one database transaction's CPU through asyncpg alone and through the
services' data layer), then the whole chain as processes against RabbitMQ and PostgreSQL
(staff actions automated, applicants registered beforehand): completed applications per
second, submission -> certificate issued latency (p50/p95/p99) at full load and at half the
peak rate, the portal's get_application and submit_application under load, and each
service's idle and peak RSS. Prints a table and writes JSON to ``bench-results/``.
The idle RSS alone, in 30 s, and what each service's is made of (RSS by imported package):
``python -m scripts.bench.idle_rss [--contributors [--modules]]``.

Modes: ``--short`` (the default, about 90 s: CI) and ``--long`` (about ten minutes: more
applicants, longer load phases). Every request goes to 127.0.0.1; every phase is bounded.
"""
