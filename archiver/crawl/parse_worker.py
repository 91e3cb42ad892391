"""`python -m archiver.crawl.parse_worker`: parses the pages a crawl sends it (archiver/crawl/
parsing.py), and builds their WARC records where asked, until its stdin closes. Imports neither
Scrapy nor Twisted."""

from __future__ import annotations

import pickle
import signal
import sys
from typing import BinaryIO

from archiver.crawl.parsing import LENGTH_BYTES, frame


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answers each `(serial, Work)` with `(serial, (items or ParseError, records or None))`."""
    while len(head := requests.read(LENGTH_BYTES)) == LENGTH_BYTES:
        serial, work = pickle.loads(requests.read(int.from_bytes(head, "big")))
        answers.write(frame((serial, work.done())))
        answers.flush()


def main() -> None:
    # Ctrl-C reaches the whole process group: the crawl finishes its pages, so this goes on
    # parsing them until the crawl closes the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write on the answers' pipe
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
