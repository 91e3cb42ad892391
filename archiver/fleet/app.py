"""The Celery application: one queue of journals, one task (crawl a journal), Redis as broker and
result store.

A journal's task is acknowledged only when it is done (`acks_late`): a worker killed mid-journal,
or a machine lost, leaves it unacknowledged, and Redis gives it to another worker once the
visibility timeout has passed. That timeout must be longer than the longest crawl of one
journal, or a journal still being crawled is given to a second worker too (harmless: both
outputs merge into the same rows, but its pages are fetched twice).
"""

from __future__ import annotations

from typing import Any

import redis
from celery import Celery

QUEUE = "archiver"
TASK = "archiver.crawl_journal"
DEFAULT_VISIBILITY_TIMEOUT = 6 * 3600.0


class BrokerUnreachable(Exception):
    """Redis did not answer."""


def make_app(broker: str, visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT) -> Celery:
    app = Celery("archiver", broker=broker, backend=broker, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_track_started=True,
        result_extended=True,  # a result keeps its task's arguments: `workers status` names them
        result_expires=None,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_send_task_events=True,
        broker_connection_retry_on_startup=False,
        broker_transport_options={"visibility_timeout": visibility_timeout},
        result_backend_transport_options={"visibility_timeout": visibility_timeout},
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
    )
    return app


def check_broker(broker: str, timeout: float = 5.0) -> None:
    """Raise BrokerUnreachable with the reason if Redis at `broker` does not answer a PING."""
    try:
        client: Any = redis.Redis.from_url(
            broker, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        client.ping()
    except (redis.RedisError, OSError, ValueError) as error:
        raise BrokerUnreachable(f"Redis at {broker} could not be reached: {error}") from error
