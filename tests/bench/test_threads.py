"""A service's CPU by thread (scripts/bench/threads.py): read from /proc for a real process whose
worker thread is busy and whose main thread sleeps, and the profile's entry points turned into
milliseconds within their thread class."""

from __future__ import annotations

import subprocess
import sys

from scripts.bench.threads import MAIN, OTHER, entry_ms, split_per_application, thread_cpu, worker_share

BUSY_WORKER = """
import sys, threading, time
def spin():
    while time.thread_time() < 0.6:  # 0.6 s of this thread's own CPU, however long that takes
        pass
    print("spun", flush=True)
    time.sleep(60)  # stays, as an executor's worker thread does
threading.Thread(target=spin).start()
time.sleep(60)
"""


def test_a_busy_worker_thread_shows_as_the_other_threads_cpu() -> None:
    proc = subprocess.Popen([sys.executable, "-c", BUSY_WORKER], stdout=subprocess.PIPE, text=True)
    try:
        before = thread_cpu(proc.pid)
        assert before is not None and proc.pid in before
        assert proc.stdout is not None and proc.stdout.readline().strip() == "spun"  # the worker is done
        after = thread_cpu(proc.pid)
        split = split_per_application(proc.pid, before, after, 1)
        assert split is not None
        # The worker spun 0.6 s; the main thread only started it (a loaded machine may add a little).
        assert split[OTHER] >= 500 and split[MAIN] < 200
    finally:
        proc.kill()
        proc.wait()
    assert thread_cpu(proc.pid) is None
    assert split_per_application(proc.pid, before, None, 1) is None
    assert split_per_application(proc.pid, before, after, 0) is None


def test_a_thread_started_in_between_counts_from_zero_and_an_ended_one_is_left_out() -> None:
    before = {100: 2.0, 101: 1.0, 102: 3.0}
    after = {100: 2.5, 101: 1.25, 103: 0.5}  # 102 ended, 103 started
    assert split_per_application(100, before, after, 5) == {MAIN: 100.0, OTHER: 150.0}


def test_entry_points_are_scaled_within_their_thread_class() -> None:
    entries = {"handler get (services/portal/api/x.py)": 60, "event loop": 20,
               "worker threads: DocumentStore._put (services/portal/storage.py)": 20}
    share = worker_share(entries)
    assert share == 20.0
    shown = entry_ms([(label, 100 * n / 100) for label, n in entries.items()], {MAIN: 160.0, OTHER: 4.0}, share)
    # The worker samples are all the other threads' 4 ms, however many samples they took.
    assert shown == [("handler get (services/portal/api/x.py)", 120.0), ("event loop", 40.0),
                     ("worker threads: DocumentStore._put (services/portal/storage.py)", 4.0)]
    assert entry_ms([("event loop", 100.0)], {MAIN: 10.0, OTHER: 0.0}, 0.0) == [("event loop", 10.0)]
