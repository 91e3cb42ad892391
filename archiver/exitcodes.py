"""Exit codes of `archiver crawl` and `scrapy crawl journal`, for cron to act on."""

OK = 0
FAILED = 1  # the crawl could not run at all
BAD_ARGUMENTS = 2
PARTIAL = 3  # some pages could not be fetched or parsed; everything else was archived
JOURNAL_UNAVAILABLE = 4  # a journal is deleted, purged, suspended, blocked, unreachable or missing
RATE_LIMITED = 5  # LiveJournal kept answering 429 or 503
LOCK_HELD = 6  # another run holds the output's lock
VERIFY_FAILED = 7  # `archiver verify` found an incomplete record, a bad digest or a wrong row
SESSION_EXPIRED = 8  # the LiveJournal login ended mid-run: log in again (`archiver login`)
BROKER_UNREACHABLE = 9  # Redis (the workers' queue and shared budget) could not be reached
OFFLINE = 10  # no request got an answer: no network, DNS or the proxy down

MEANINGS = {
    OK: "success",
    FAILED: "failed",
    BAD_ARGUMENTS: "bad arguments",
    PARTIAL: "partial: some pages failed",
    JOURNAL_UNAVAILABLE: "journal unavailable",
    RATE_LIMITED: "rate-limited",
    LOCK_HELD: "lock held by another run",
    VERIFY_FAILED: "verify found problems",
    SESSION_EXPIRED: "the LiveJournal session has ended: log in again",
    BROKER_UNREACHABLE: "Redis could not be reached",
    OFFLINE: "nothing could be reached: offline?",
}
