"""Pure crawl decisions (no Scrapy): what to fetch next, run modes, the refresh window,
redirects and renames, failures, deletions, backoff and the run's outcome."""
