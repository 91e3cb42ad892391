"""The sample server's defaults, read by the CLI at start-up without loading the content."""

DEFAULT_BULK_POSTS = 60  # posts of the generated journal bulk_journal
