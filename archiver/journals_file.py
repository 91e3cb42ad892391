"""`--journals-file`: one journal a line, for `archiver crawl` and `archiver enqueue`."""

from __future__ import annotations

from pathlib import Path

import click


def journals_in(path: Path) -> list[str]:
    """One journal a line; blank lines and `#` comments skipped, a byte-order mark ignored."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        message = f"cannot read {path}: {error}"
        raise click.BadParameter(message, param_hint="--journals-file") from None
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]
