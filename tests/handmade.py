"""Small handmade pages that follow archiver/sample/MARKUP.md, for the parser tests."""

from __future__ import annotations

import json
from typing import Any

ZLOY = "zloy_odessit"
ZLOY_ROOT = "https://zloy-odessit.livejournal.com/"
SEED_DITEMID = 1281 * 256 + 154
PROMO_DITEMID = 1290 * 256 + 77


def site_script(
    *,
    journal: str = ZLOY,
    ditemid: int | None = SEED_DITEMID,
    journal_id: int = 9843211,
    title: str = "Злой одессит",
    page: dict[str, Any] | None = None,
    extra: str = "",
) -> str:
    host = journal.replace("_", "-")
    lines = [
        "Site = window.Site || {};",
        "Site.page = " + json.dumps(page or {}, ensure_ascii=False) + ";",
        "Site.journal = "
        + json.dumps(
            {
                "journal_url": f"https://{host}.livejournal.com/",
                "id": journal_id,
                "username": journal,
                "journal_title": title,
                "is_personal": True,
                "is_community": False,
                "is_suspended": False,
            },
            ensure_ascii=False,
        )
        + ";",
    ]
    if ditemid is not None:
        lines.append(
            "Site.entry = "
            + json.dumps(
                {"ditemid": ditemid, "journal": journal, "poster": journal, "is_public": True},
                ensure_ascii=False,
            )
            + ";"
        )
    lines.append(
        "(function(){ var p = "
        + json.dumps({"currentJournal": journal, "locale": "uk_UA"})
        + "; for (i in p) Site[i] = p[i]; })();"
    )
    lines.append(
        "Site.current_journal = "
        + json.dumps({"userid": journal_id, "username": journal, "journaltype": "P"})
        + ";"
    )
    return "<script>\n" + "\n".join(lines) + extra + "\n</script>"


def schemius_post(inner_after_body: str = "", *, script: str | None = None, body: str = "") -> str:
    """A schemius post page (§1b) with `inner_after_body` after the post (widget, form...)."""
    return f"""<!DOCTYPE html>
<html class="html-schemius html-adaptive" lang="uk"><head><meta charset="utf-8">
<title>Afghan Trap 2.0: zloy_odessit — LiveJournal</title>
<meta content="english" property="article:tag"/></head>
<body>
<article class="b-singlepost hentry">
 <div class="b-singlepost-about"><dl class="b-singlepost-author">
  <dd class="b-singlepost-author-userinfo">
  <span class="ljuser i-ljuser" data-ljuser="zloy_odessit"><b>zloy_odessit</b></span>
  <time class="b-singlepost-author-date published">2021-07-12 10:24:00</time></dd></dl></div>
 <div class="b-singlepost-wrapper">
  <h1 class="b-singlepost-title entry-title"> Afghan Trap 2.0 </h1>
  <div class="b-singlepost-bodywrapper"><article class="b-singlepost-body entry-content">
   {body or "The Minister for Foreign Affairs of Russia.<br /><br />Thus, Russia's top diplomat."}
  </article></div>
  <div class="b-singlepost-tags ljtags"><strong>Tags:</strong>
   <span class="b-singlepost-tags-items"><a href="{ZLOY_ROOT}tag/english">english</a></span></div>
 </div>
 {inner_after_body}
</article>
{script if script is not None else site_script()}
</body></html>"""


SEED_WIDGET = f"""
<div class="threeposts threeposts--count-2">
 <h3 class="threeposts__heading">Recent Posts from This Journal</h3>
 <div class="threeposts__inner"><div class="placeholder-threeposts"></div>
  <div class="threeposts__items">
   <div class="threeposts__item threeposts__item--promo">
    <span class="threeposts__promo-label">promo</span>
    <span class="ljuser i-ljuser" data-ljuser="zloy_odessit"><a href="{ZLOY_ROOT}"><b>zloy_odessit</b></a></span>
    <time class="threeposts__date">Вересень 30, 19:05</time>
    <span class="threeposts__comments">18</span>
    <a class="threeposts__link" href="{ZLOY_ROOT}{PROMO_DITEMID}.html?utm_source=3userpost"><span class="threeposts__title-inner">Азербайджан. Часть первая</span></a>
    <span class="threeposts__buy">Buy for 50 tokens</span>
    <p class="threeposts__text">Это первое видео из цикла, посвященного моей поездке в Азербайджан. Каждый день я посещал то или иное место, и сразу же, пока были живы первые впечатления и эмоции, записывал их. Потому, что самое сильное впечатление то, которое ты буквально только что пережил. Лишь после возвращения в…</p>
   </div>
   <div class="threeposts__item">
    <span class="ljuser i-ljuser" data-ljuser="zloy_odessit"><b>zloy_odessit</b></span>
    <time class="threeposts__date">Вересень 20, 09:00</time>
    <span class="threeposts__comments">3</span>
    <a class="threeposts__link" href="{ZLOY_ROOT}330001.html"><span class="threeposts__title-inner">Місто вечір</span></a>
    <p class="threeposts__text">Місто вечір лист.</p>
   </div>
  </div></div>
</div>"""  # noqa: E501


def watering(classes: str, notes: str) -> str:
    """The reply form (§1f) with the given `b-watering-user-*` classes and notes."""
    return f"""
<div class="b-grove" id="comments"><div class="b-xylem"><ul class="b-xylem-cells">
 <li class="b-xylem-cell b-xylem-cell-add">
  <div class="b-watering b-watering-authtype-anonymous b-watering-user-notafriend {classes}">
   <form class="b-updateform-v5" id="postform">{notes}</form>
  </div></li>
 <li class="b-xylem-cell b-xylem-cell-amount"><span class="js-amount">0 comments</span></li>
</ul></div><div class="b-tree b-tree-root"></div></div>"""


SEED_NOTES = """
<div class="b-msgsystem-errorbox"><p class="b-msgsystem-error b-msgsystem-error-ajax"></p>
 <p class="b-msgsystem-error b-msgsystem-error-regonly">Anonymous comments are disabled in this journal</p></div>
<span class="b-ljuserpic-default">default userpic</span>
<div class="b-watering-msgbox">
 <p class="b-msgsystem-error b-msgsystem-error-screened">Your reply will be screened</p>
 <p class="b-msgsystem-error b-msgsystem-error-ipalert">Your IP address will be recorded</p>
</div>"""  # noqa: E501

SEED_CLASSES = "b-watering-user-regonly b-watering-user-screened b-watering-user-ipalert"
