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

# The post page (`/-/archiver/post/JOURNAL/DITEMID`): the post, its tags, comments, versions
# and the captures of its pages (the post, its ?format=light twin, its further comment pages).
POST = (
    "SELECT journal, ditemid, url, title, poster, published_text, published, body_html, "
    "comment_count, security, mood, music, location, first_seen, last_seen, last_changed, "
    "deleted_in_run, capture_id FROM posts WHERE journal = ? AND ditemid = ?"
)
POST_TAGS = (
    "SELECT t.id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id "
    "WHERE pt.journal = ? AND pt.ditemid = ? ORDER BY t.name"
)
POST_COMMENTS = (
    "SELECT talkid, parent_talkid, depth, poster, subject, body_html, posted_text, posted, "
    "state, collapsed, first_seen, last_seen FROM comments "
    "WHERE journal = ? AND ditemid = ? ORDER BY talkid"
)
POST_VERSIONS = (
    "SELECT version, title, tags, published, security, first_seen, last_seen, superseded_at, "
    "capture_id FROM post_versions WHERE journal = ? AND ditemid = ? ORDER BY version"
)
# '?' sorts just below '@': the range holds the post's URL followed by a query, on the index.
POST_CAPTURES = (
    "SELECT id, url, status, fetched_at, warc_file, warc_offset, record_type FROM captures "
    "WHERE url = :url OR (url > :url || '?' AND url < :url || '@') ORDER BY fetched_at, id"
)
