"""Archive LiveJournal journals into SQLite and WARC files."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/archiver-lj/archiver"
