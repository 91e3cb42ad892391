"""Many journals on many machines: Celery workers that crawl one journal at a time each into
an output of their own, and `archiver merge`, which folds those outputs into one archive."""
