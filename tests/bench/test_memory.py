"""A service's memory as the bench reads it (scripts/bench/chain.py ``read_rss``): RSS, its peak,
its anonymous and file-backed parts and PSS, for a real process that maps a library another
process maps too."""

from __future__ import annotations

import subprocess
import sys

from scripts.bench.chain import read_rss

HOLDS_MEMORY = """
import ssl, sys
block = bytearray(64 * 1024 * 1024)  # 64 MiB, written: resident and this process's own
for i in range(0, len(block), 4096):
    block[i] = 1
print("held", flush=True)
sys.stdin.read()
"""


def test_rss_peak_and_pss_of_a_process_holding_64_mib() -> None:
    procs = [subprocess.Popen([sys.executable, "-c", HOLDS_MEMORY], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True) for _ in range(2)]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        memory = read_rss(procs[0].pid)
        rss, peak, pss = memory["rss_mib"], memory["peak_rss_mib"], memory["pss_mib"]
        assert rss is not None and peak is not None and pss is not None
        assert 64 < rss <= peak
        # Its own 64 MiB count in full, the interpreter's and ssl's pages, mapped by both
        # processes, by half: the PSS lies between the block and the RSS.
        assert 64 < pss < rss
        # The block is anonymous memory; the interpreter's and ssl's code, file pages; together
        # the RSS (no shared memory here), each rounded to 0.1 MiB.
        anon, files = memory["anon_mib"], memory["file_mib"]
        assert anon is not None and files is not None
        assert 64 < anon < rss and 0 < files < rss - 64
        assert abs(anon + files - rss) <= 0.2
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    assert read_rss(procs[0].pid) == {"rss_mib": None, "peak_rss_mib": None, "anon_mib": None, "file_mib": None,
                                      "pss_mib": None}
