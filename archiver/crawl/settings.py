"""Scrapy settings: only what differs from Scrapy's defaults. Our own settings are ARCHIVER_*."""

import os

from archiver.archive import layout
from archiver.plan.failures import ANSWERED_ERROR_STATUSES
from archiver.plan.media import DEFAULT_DENIED_HOSTS

BOT_NAME = "archiver"
SPIDER_MODULES = ["archiver.crawl.spider"]
COMMANDS_MODULE = "archiver.crawl.commands"

# Where the crawl writes: OUTPUT/archive.db and OUTPUT/warc/.
ARCHIVER_OUTPUT = layout.DEFAULT_OUTPUT
# An HTTP proxy every request goes through, e.g. the bundled sample server:
# `-s ARCHIVER_PROXY=http://127.0.0.1:8765`. Empty means: talk to LiveJournal directly.
ARCHIVER_PROXY = ""
# A scheduled run reads the index pages and feeds of a journal it has listed whole before, and
# fetches new posts, posts whose comment count changed, and its newest ARCHIVER_REFRESH_WINDOW
# archived posts. ARCHIVER_FULL (`archiver crawl --full`) lists everything and fetches every post.
ARCHIVER_FULL = False
ARCHIVER_REFRESH_WINDOW = 10
# A full listing that would mark more than this share of a journal's posts deleted is distrusted.
ARCHIVER_MAX_DELETED_SHARE = 0.5

# What pages load (README, "What pages load"): `all` (images, userpics, stylesheets, scripts,
# fonts), `images` (images and userpics only) or `none`. A resource larger than
# ARCHIVER_MEDIA_MAX_BYTES is not fetched (its media row says so); one archived with a good
# answer is fetched again after ARCHIVER_MEDIA_MAX_AGE_DAYS, or by `--full`. Hosts in
# ARCHIVER_MEDIA_DENY_HOSTS (and their subdomains: trackers, counters, ads) are never fetched.
ARCHIVER_MEDIA = "all"
ARCHIVER_MEDIA_MAX_BYTES = 8 * 1024 * 1024
ARCHIVER_MEDIA_MAX_AGE_DAYS = 30
ARCHIVER_MEDIA_DENY_HOSTS = list(DEFAULT_DENIED_HOSTS)

# Pages are parsed in this many processes of their own (archiver/crawl/parsing.py), one where
# there is a second core; 0 parses them in the crawl's process. Such a process also builds a
# journal page's WARC records; a page held for it that no callback takes (a middleware asked
# for it again) is written unparsed after ARCHIVER_HELD_SECONDS.
ARCHIVER_PARSE_PROCESSES = 1 if (os.cpu_count() or 1) > 1 else 0
ARCHIVER_HELD_SECONDS = 60.0

# With OUTPUT/.session (`archiver login`, `archiver crawl --cookies FILE`), every request to
# LiveJournal carries the user's session, so friends-only and private posts are archived too.
# ARCHIVER_USE_SESSION=False (`archiver crawl --logged-out`) crawls as a logged-out reader.
ARCHIVER_USE_SESSION = True

# Shown to LiveJournal's operators in the User-Agent, `archiver/VERSION (+ARCHIVER_CONTACT_URL)`,
# and in each WARC file's warcinfo, so they can reach whoever runs the crawl: required for a
# crawl of livejournal.com (`--contact`, `-s`, or the environment). Through a proxy (the sample
# server) the User-Agent names the project instead. `-s USER_AGENT=...` replaces the string.
ARCHIVER_CONTACT_URL = os.environ.get("ARCHIVER_CONTACT_URL", "")

# Polite by default.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# A page's callback yields one PageItems (saved synchronously) and its requests: nothing to do
# in parallel. Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback whatever it
# yields; at its default of 100 that was about a tenth of a crawl's CPU (issue 14).
CONCURRENT_ITEMS = 1

RETRY_ENABLED = True
# A 429 or 503 is waited out before its retry: Retry-After, or ARCHIVER_BACKOFF_SECONDS doubled
# at each retry when LiveJournal gives none; never more than ARCHIVER_MAX_WAIT at once.
ARCHIVER_BACKOFF_SECONDS = 5.0
ARCHIVER_MAX_WAIT = 600.0
ARCHIVER_RATE_LIMIT_RETRIES = 20
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# LiveJournal answers errors, locked posts and gone journals with 4xx pages worth recording.
HTTPERROR_ALLOWED_CODES = list(ANSWERED_ERROR_STATUSES)

# Keep every exchange's bytes as they crossed the wire, for the WARC files.
DOWNLOAD_HANDLERS = {
    "http": "archiver.crawl.wire.RecordingDownloadHandler",
    "https": "archiver.crawl.wire.RecordingDownloadHandler",
}
EXTENSIONS = {
    "archiver.crawl.extension.ArchiveExtension": 100,
    "archiver.crawl.progress.ProgressExtension": 500,
}
# A live progress line on stderr; `archiver crawl` turns it on when stderr is a terminal.
ARCHIVER_PROGRESS = False
# WARC files: OUTPUT/warc/{ARCHIVER_WARC_PREFIX}-{timestamp}-{serial}.warc.gz, a new file once
# one reaches ARCHIVER_WARC_MAX_BYTES.
ARCHIVER_WARC_PREFIX = "archiver"
ARCHIVER_WARC_MAX_BYTES = 1_000_000_000
# The database is committed every ARCHIVER_COMMIT_SECONDS, many pages at once (0: after every
# page). A run killed between commits loses no page: its WARC records are read back next run.
ARCHIVER_COMMIT_SECONDS = 5.0
# Set by `archiver worker --archive`: the archive whose rows of the journal were folded into
# this output first. Pages a killed run on another worker archived but did not save are read
# back from the archive's WARC files (merged in), not fetched again.
ARCHIVER_SEEDED_FROM = ""
# Workers (`archiver worker`) share one budget of ARCHIVER_SITE_RATE requests a second to
# LiveJournal's hosts, counted in the Redis at ARCHIVER_BUDGET_REDIS (0 or empty: no budget).
ARCHIVER_SITE_RATE = 0
ARCHIVER_BUDGET_REDIS = ""

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.crawl.middlewares.PatientRetryMiddleware": 550,
    # After HttpCompressionMiddleware (590) has decoded robots.txt.
    "archiver.crawl.middlewares.CrawlDelayMiddleware": 580,
    # After CookiesMiddleware (700) has written the Cookie header: the site's cookies join it.
    "archiver.crawl.middlewares.LiveJournalCookiesMiddleware": 710,
    "archiver.crawl.middlewares.ArchiverProxyMiddleware": 740,
    # Last before the downloader's per-host slots: a request released waits there only while
    # its host has CONCURRENT_REQUESTS_PER_DOMAIN requests out (see README, the site budget).
    "archiver.crawl.budget.SiteBudgetMiddleware": 980,
    # Nearest the downloader, so it sees a failed download before RetryMiddleware retries it.
    "archiver.crawl.middlewares.WarcFailureRecorder": 990,
}
# Spider middlewares a crawl has no use for, each a pass over every callback's output (about 3 %
# of the crawl's process, issue 14): DepthMiddleware only counts depths (no DEPTH_LIMIT here),
# UrlLengthMiddleware would drop a long URL with a log line where the plan must decide,
# MetaCopyDetectionMiddleware warns spider authors of a mistake this spider does not make.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
ITEM_PIPELINES = {
    "archiver.crawl.pipeline.StorePipeline": 300,
}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
