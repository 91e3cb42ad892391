"""Archive LiveJournal journals into SQLite and WARC files."""

__version__ = "0.1.0"
