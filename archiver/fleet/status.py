"""`archiver workers status`: the journals queued, running and done, from Celery's own state (the
queue in Redis, the workers' answers to `inspect`, the results Celery keeps)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import redis
from celery import Celery

from archiver.fleet.app import QUEUE, TASK
from archiver.fleet.task import PROGRESS


@dataclass
class FleetStatus:
    queued: list[str] = field(default_factory=list)  # journals, next first
    running: list[dict[str, Any]] = field(default_factory=list)  # journal, worker, pages
    done: list[dict[str, Any]] = field(default_factory=list)  # journal, worker, exit_code, pages

    def lines(self) -> list[str]:
        out = [
            f"queued: {len(self.queued)}" + (f" ({', '.join(self.queued)})" if self.queued else "")
        ]
        out.append(f"running: {len(self.running)}")
        out += [
            f"  {r['journal']} on {r['worker']}: {r['pages']} pages so far" for r in self.running
        ]
        out.append(f"done: {len(self.done)}")
        out += [
            f"  {d['journal']} on {d['worker']}: exit {d['exit_code']}, {d['pages']} pages"
            for d in self.done
        ]
        return out


def fleet_status(app: Celery, broker: str, timeout: float = 2.0) -> FleetStatus:
    client: Any = redis.Redis.from_url(broker)
    status = FleetStatus(queued=_queued(client))
    for worker, tasks in (app.control.inspect(timeout=timeout).active() or {}).items():
        for task in tasks:
            if task.get("name") != TASK:
                continue
            result = app.AsyncResult(task["id"])
            info = result.info if result.state == PROGRESS and isinstance(result.info, dict) else {}
            journal = (task.get("args") or ["?"])[0]
            status.running.append(
                {
                    "journal": journal,
                    "worker": info.get("worker", worker.split("@", 1)[0]),
                    "pages": info.get("pages", 0),
                }
            )
    status.done = _done(client)
    return status


def _queued(client: Any) -> list[str]:
    journals = []
    for raw in reversed(
        client.lrange(QUEUE, 0, -1)
    ):  # Celery pushes on the left, pops on the right
        message = json.loads(raw)
        args = message.get("headers", {}).get("argsrepr") or ""
        journals.append(args.strip("()[]").split(",")[0].strip(" '\""))
    return journals


def _done(client: Any) -> list[dict[str, Any]]:
    done = []
    for key in client.scan_iter("celery-task-meta-*"):
        meta = json.loads(client.get(key) or "{}")
        if meta.get("status") == "SUCCESS" and isinstance(meta.get("result"), dict):
            done.append(meta["result"])
    return sorted(done, key=lambda d: (str(d.get("journal")), str(d.get("worker"))))
