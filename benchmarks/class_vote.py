"""40 simulated students vote at once on the room's server; how soon does the instructor's histogram show each vote?

Usage: ``.venv/bin/python benchmarks/class_vote.py [--students 40] [--poll 1.0]``

It starts the room's server (``python -m spinelab.publish.room``: the routes the class server mounts, on the class
store, a SQLite file in a temporary folder), opens a vote as the instructor, then releases every student at once:
each reads the open vote as its page does and sends a vote over HTTP with the class secret. The instructor's view
is simulated as the page runs: it reads the results every ``--poll`` seconds (1 s, as ``instructor.js``). A vote's
*histogram update* is the time from the student pressing the button (the request starting) to the end of the
first results read that began after the server acknowledged the vote. At the end the store is read back:
``recorded`` is the votes it holds, ``lost`` the acknowledged votes missing from it.

The last line is ``students = N; votes = N; recorded = N; p95 histogram update = X s; lost = 0``.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from spinelab.course.class_store import ClassStore

QUESTION = "map-order"


def request(url: str, headers: dict[str, str], body: object = None) -> object:
    """One HTTP call; the JSON reply."""
    data = None if body is None else json.dumps(body).encode()
    sent = {**headers, **({"Content-Type": "application/json"} if body is not None else {})}
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=sent), timeout=30) as reply:
        return json.loads(reply.read())


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until the server answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the room's server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)  # polling a condition (the server answering), not a fixed wait
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--poll", type=float, default=1.0, help="the instructor page's polling interval, s")
    parser.add_argument("--port", type=int, default=8871)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store_path = Path(folder) / "class.sqlite"
        secrets_file = Path(folder) / "secrets.json"
        server = subprocess.Popen([sys.executable, "-m", "spinelab.publish.room", "--store", str(store_path),
                                   "--port", str(args.port), "--secrets-file", str(secrets_file)])
        base = f"http://127.0.0.1:{args.port}/spinelab/room"
        try:
            wait_for(f"{base}/static/room.css", server)
            keys = json.loads(secrets_file.read_text())
            instructor = {"Authorization": f"token {keys['instructor']}"}
            student_headers = {"X-Spinelab-Room": keys["secret"]}
            poll = request(f"{base}/api/instructor/open", instructor, {"question": QUESTION})["poll"]

            reads: list[tuple[float, float]] = []  # (start, end) of every instructor read
            done = threading.Event()

            def watch() -> None:
                while not done.is_set():
                    start = time.monotonic()
                    request(f"{base}/api/instructor/results?question={QUESTION}", instructor)
                    reads.append((start, time.monotonic()))
                    done.wait(max(0.0, args.poll - (time.monotonic() - start)))

            watcher = threading.Thread(target=watch)
            watcher.start()
            barrier = threading.Barrier(args.students)
            votes: dict[int, tuple[float, float]] = {}  # student -> (pressed, acknowledged)
            failures: list[str] = []

            def student(number: int) -> None:
                headers = student_headers
                identity = f"bench-student-{number:04d}"
                try:
                    view = request(f"{base}/api/poll?student={identity}", headers)
                    barrier.wait()
                    pressed = time.monotonic()
                    request(f"{base}/api/vote", headers, {"poll": poll, "student": identity,
                                                          "choice": view["choices"][number % 2]})
                    votes[number] = (pressed, time.monotonic())
                except Exception as error:  # a failed student is counted, not fatal
                    failures.append(f"{number}: {error}")

            threads = [threading.Thread(target=student, args=(number,)) for number in range(args.students)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            time.sleep(args.poll * 1.5)  # let the instructor's next read follow the last vote
            done.set()
            watcher.join()
        finally:
            server.terminate()
            server.wait(timeout=15)
        updates = []
        for pressed, acknowledged in votes.values():
            seen = [end for start, end in reads if start >= acknowledged]
            updates.append((seen[0] if seen else math.inf) - pressed)
        rows = ClassStore(store_path).export_rows()
        recorded = len({row["student"] for row in rows})
        lost = len({f"bench-student-{number:04d}" for number in votes} - {row["student"] for row in rows})
        for failure in failures:
            print(f"failed: {failure}")
        send = sorted(ack - pressed for pressed, ack in votes.values())
        print(f"vote request: median {percentile(send, 0.5):.3f} s, max {send[-1]:.3f} s; instructor reads "
              f"every {args.poll:g} s")
        print(f"students = {args.students}; votes = {len(votes)}; recorded = {recorded}; "
              f"p95 histogram update = {percentile(updates, 0.95):.2f} s; lost = {lost}")


if __name__ == "__main__":
    main()
