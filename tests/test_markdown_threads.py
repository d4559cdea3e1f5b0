"""The one Markdown scanner used by many threads at once, as a fresh `drafter new` validates its sections."""

from __future__ import annotations

import subprocess
import sys

# Thirty-two threads, released together, each reading the links of its own text in a fresh interpreter that
# switches threads as often as it can: the first link normalisations of the process all happen at once.
SCRIPT = """
import sys, threading
sys.setswitchinterval(1e-6)
from drafter.post.markdown import parse
start = threading.Barrier(32)
failures = []

def read(number):
    start.wait()
    try:
        parse(f"[{number}](https://arxiv.org/{number})\\n").links
    except Exception as error:
        failures.append(repr(error))

threads = [threading.Thread(target=read, args=(n,)) for n in range(32)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(failures)
sys.exit(1 if failures else 0)
"""


def test_links_read_by_many_threads_at_once_in_a_fresh_process():
    """Regression: mdurl publishes its percent-encoding table before filling it, so a section validated while
    another thread filled it read a half-filled table: IndexError, and a fresh `drafter new` failed."""
    for _ in range(20):
        done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
