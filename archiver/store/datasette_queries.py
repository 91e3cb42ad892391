"""The queries the Datasette plugin runs through Datasette's own (async) database object."""

CAPTURE_BY_ID = (
    "SELECT url, warc_file, warc_offset, record_id, fetched_at FROM captures WHERE id = ?"
)
JOURNALS_BY_POSTS = (
    "SELECT journal, COUNT(*) AS n FROM posts GROUP BY journal ORDER BY n DESC, journal"
)
POSTS_PER_MONTH = (
    "SELECT substr(published, 1, 7) AS month, COUNT(*) AS n FROM posts "
    "WHERE journal = ? AND published IS NOT NULL GROUP BY month"
)
COMMENTS_PER_MONTH = (
    "SELECT substr(posted, 1, 7) AS month, COUNT(*) AS n FROM comments "
    "WHERE journal = ? AND posted IS NOT NULL GROUP BY month"
)
