"""The loopback server for the soak, in a process of its own (so that the app's process
holds only the app): `python -m tests.bench.soak_server` prints its URL, then serves until
its stdin closes. `--records N`: records in each answer (300 by default, about 50 KB).

Every GET of the instance answers the next version of a running run
(`generate.running_instance(tick)`, tick 0, 1, 2...): its steps advance, counters and a
progress log move, ten records change their values.
"""

from __future__ import annotations

import itertools
import sys
import threading
from http.server import BaseHTTPRequestHandler

from tests.bench.generate import INSTANCE_ID, RUNNING_RECORDS, WORKFLOW_ID, running_instance
from wfbrowse.demo.server import FakeDatadog, RecordedRequest, Reply, write_reply

PATH = f"/api/v2/workflows/{WORKFLOW_ID}/instances/{INSTANCE_ID}"


def main() -> None:
    records = RUNNING_RECORDS
    if "--records" in sys.argv:
        records = int(sys.argv[sys.argv.index("--records") + 1])
    ticks = itertools.count()
    lock = threading.Lock()

    def answer(request: RecordedRequest, handler: BaseHTTPRequestHandler) -> bool:
        with lock:
            tick = next(ticks)
        write_reply(handler, Reply.json(200, running_instance(tick, records=records)))
        return True

    with FakeDatadog() as server:
        server.add_handler("GET", PATH, answer)
        print(server.url, flush=True)
        # The server keeps every request it got (for tests): forget them now and then.
        while sys.stdin.readline():
            with server._lock:
                server.requests.clear()


if __name__ == "__main__":
    main()
