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
# A resource's last good answer and where its body is: its own record, or for a revisit the
# response record it refers to.
MEDIA_BODY = """
SELECT m.content_type, COALESCE(o.warc_file, c.warc_file) AS warc_file,
       COALESCE(o.warc_offset, c.warc_offset) AS warc_offset
FROM media m
JOIN captures c ON c.id = m.last_capture_id
LEFT JOIN captures o ON c.record_type = 'revisit' AND o.record_id = c.refers_to
WHERE m.url = ? AND m.status BETWEEN 200 AND 299
"""
