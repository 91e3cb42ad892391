"""The sample server's pages kept as fixtures: one folder per case under fixtures/sample.

Each folder holds the body exactly as the sample server sends it (`page.html`, or `page.xml` for a
feed), `capture.json` (url, status, captured_at, content_type: the keys of fixtures/real) and
`expected.json`, the whole parsed result. The pages come from `archiver.sample.routes.respond` at
revision 0 with the default size, the site `archiver.sample.server.running_server()` serves; the
tests check that the saved bytes still equal what the server sends over the wire.

After a deliberate change to the sample markup, refresh the pages (and capture.json) from the
repository root with

    .venv/bin/python tests/sample_fixtures.py

and run the tests: the parser must still read the new markup to the same expected.json. After a
deliberate change to the sample *content* (or to the items), rewrite expected.json as well with

    .venv/bin/python tests/sample_fixtures.py --expected [CASE ...]

and review the diff by hand before committing it: test_parse_fixtures.py checks the facts that
matter against the sample's content model, but only a reader notices a new wrong value elsewhere.
Cases in KNOWN_BUGS keep their hand-corrected expected.json unless named on the command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from archiver import urls
from archiver.sample.content import Site, build_site
from archiver.sample.routes import Request, Response, respond

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "sample"

ZLOY = "zloy_odessit"
SEED = 1281 * 256 + 154  # the seed post, "Afghan Trap 2.0"
PROMO = 1290 * 256 + 77  # the widget's promoted post, 18 comments


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    what: str  # why the case is here; written into capture.json as its note

    @property
    def body_name(self) -> str:
        return "page.xml" if "/data/" in self.url else "page.html"


CASES: tuple[Case, ...] = (
    # Post pages: every skin.
    Case(
        "zloy_odessit-seed-schemius",
        urls.post_url(ZLOY, SEED) + "?format=light",
        "the seed post in schemius: widget with the promoted item, the three policy notes",
    ),
    Case(
        "zloy_odessit-promo-schemius",
        urls.post_url(ZLOY, PROMO),
        "the promoted post in the journal's own style (schemius): 18 comments in Site.page",
    ),
    Case(
        "zloy_odessit-6635-schemius",
        urls.post_url(ZLOY, 6635) + "?format=light",
        "schemius comments in Site.page: screened, deleted, frozen, collapsed threads",
    ),
    Case(
        "zloy_odessit-6635-schemius-nojs",
        urls.post_url(ZLOY, 6635) + "?format=light&nojs=1",
        "server-rendered schemius comments: screened, deleted, frozen, collapsed threads",
    ),
    Case(
        "zloy_odessit-6635-thread",
        urls.post_url(ZLOY, 6635) + "?format=light&thread=653014",
        "one folded thread's own page, in full",
    ),
    Case(
        "bulk_journal-9917-page2",
        urls.post_url("bulk_journal", 9917) + "?page=2",
        "the second comment page of a post with more than ten threads",
    ),
    Case(
        "kelijah-262788-s2",
        urls.post_url("kelijah", 262788),
        "a post in the journal's S2 style: mood, 24 comments, tag cloud in the sidebar",
    ),
    Case(
        "tea_club-1806-s2",
        urls.post_url("tea_club", 1806),
        "a community post in S2 by a member: every hidden comment state",
    ),
    Case(
        "tea_club-hostile-s2",
        urls.post_url("tea_club", 900 * 256 + 13),
        "a post whose body has scripts, handlers and javascript: links (kept as markup)",
    ),
    Case(
        "tea_club-1521-schemius",
        urls.post_url("tea_club", 1521) + "?format=light",
        "a community post in schemius: music, location, anonymous-only screening",
    ),
    Case(
        "moskvich-1587-aentry",
        urls.post_url("moskvich", 1587),
        "the 2017+ aentry page: comments in C2 markup, policy screening non-friends",
    ),
    # Listings and feeds.
    Case("zloy_odessit-index", urls.index_url(ZLOY, 0), "the index, newest ten"),
    Case("zloy_odessit-index-skip10", urls.index_url(ZLOY, 10), "the index, ?skip=10"),
    Case("zloy_odessit-tag-english", urls.tag_url(ZLOY, "english"), "a tag page"),
    Case("zloy_odessit-year-2018", urls.year_url(ZLOY, 2018), "a calendar year page"),
    Case("zloy_odessit-month-2018-09", urls.month_url(ZLOY, 2018, 9), "a calendar month page"),
    Case(
        "zloy_odessit-day-2018-09-18",
        urls.day_url(ZLOY, 2018, 9, 18),
        "a day page with two posts",
    ),
    Case("zloy_odessit-rss", urls.rss_url(ZLOY), "the RSS feed"),
    Case("zloy_odessit-atom", urls.atom_url(ZLOY), "the Atom feed"),
    # Error and interstitial pages.
    Case("zloy_odessit-locked", urls.post_url(ZLOY, 7230), "a private post: 403"),
    Case("kelijah-locked-s2", urls.post_url("kelijah", 262223), "a friends-only post: 403"),
    Case("zloy_odessit-not-found", urls.post_url(ZLOY, 99), "no such post: 404"),
    Case("gone_away-deleted", urls.journal_root("gone_away"), "a deleted journal: 410"),
    Case("purged_user-purged", urls.journal_root("purged_user"), "a purged journal: 410"),
    Case("banned_user-suspended", urls.journal_root("banned_user"), "a suspended journal: 403"),
    Case(
        "adult_notes-notice",
        "https://www.livejournal.com/misc/adult_explicit.bml?ret="
        "https%3A%2F%2Fadult-notes.livejournal.com%2F481.html",
        "the adult-content notice a logged-out reader is redirected to",
    ),
)

# Case name -> the parser bug its hand-corrected expected.json shows (the test is an xfail).
KNOWN_BUGS: dict[str, str] = {}


def site() -> Site:
    return build_site()


def serve(case: Case, at: Site | None = None) -> Response:
    """What the sample server answers to a logged-out reader's GET of the case's URL."""
    return respond(at or site(), Request("GET", case.url))


def capture_json(case: Case, response: Response, at: Site) -> dict[str, object]:
    return {
        "url": case.url,
        "status": response.status,
        "captured_at": at.now.isoformat(),
        "content_type": response.header("Content-Type"),
        "note": f"sample server, revision 0: {case.what}",
    }


def write_case(case: Case, *, expected: bool, at: Site) -> None:
    from parse_support import as_json, parse_folder, without_media

    folder = SAMPLE / case.name
    folder.mkdir(parents=True, exist_ok=True)
    response = serve(case, at)
    assert response.raw is None, f"{case.name}: a recorded page belongs in fixtures/real"
    (folder / case.body_name).write_bytes(response.body)
    meta = json.dumps(capture_json(case, response, at), ensure_ascii=False, indent=2)
    (folder / "capture.json").write_text(meta + "\n", "utf-8")
    if expected or not (folder / "expected.json").exists():
        items = without_media(as_json(parse_folder(folder)))
        text = json.dumps(items, ensure_ascii=False, indent=2)
        (folder / "expected.json").write_text(text + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refresh tests/fixtures/sample from the server.")
    parser.add_argument("--expected", action="store_true", help="rewrite expected.json too")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args(argv)
    known = {c.name: c for c in CASES}
    unknown = [n for n in args.cases if n not in known]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    at = site()
    for case in CASES:
        if args.cases and case.name not in args.cases:
            continue
        rewrite = args.expected and (case.name not in KNOWN_BUGS or case.name in args.cases)
        write_case(case, expected=rewrite, at=at)
        print(f"{case.name}: written")
    stale = sorted(p.name for p in SAMPLE.iterdir() if p.is_dir() and p.name not in known)
    if stale:
        print(f"not a case any more (remove by hand): {', '.join(stale)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    raise SystemExit(main())
