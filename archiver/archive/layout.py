"""What an output directory holds, and where (no imports: the CLI reads it at start-up)."""

from __future__ import annotations

DEFAULT_OUTPUT = "output"
DATABASE_FILE = "archive.db"  # OUTPUT/archive.db
WARC_DIRECTORY = "warc"  # OUTPUT/warc/*.warc.gz and index.cdxj
LOCK_FILE = ".archiver.lock"
WACZ_FILE = "archive.wacz"
DAMAGED_DIRECTORY = "warc-damaged"  # damaged WARC tails, moved aside by `verify --repair`
SESSION_FILE = ".session"  # OUTPUT/.session: the LiveJournal login, mode 0600, never packaged
