"""The comment form and its policy notes (ANATOMY §1f; MARKUP "Comment policy")."""

from __future__ import annotations

from archiver.sample.content import Journal, Post
from archiver.sample.render.markup import DEFAULT_USERPIC_URL, esc

REGONLY = "Anonymous comments are disabled in this journal"
SCREENED = "Your reply will be screened"
IPALERT = "Your IP address will be recorded"
DISABLED = "Comments for this post were disabled by the author"
POST_COMMENT = "Post a new comment"

_SCREEN_SCOPE = {"all": "", "anonymous": " b-watering-user-screened-anon",
                 "non-friends": " b-watering-user-screened-notafriend"}  # fmt: skip


def watering_classes(journal: Journal) -> str:
    """A1's classes for a logged-out reader, plus one per policy note."""
    policy = journal.policy
    classes = (
        "b-watering b-watering-trueauth-anonymous b-watering-realauth-anonymous "
        "b-watering-authtype-anonymous b-watering-user-notafriend"
    )
    if not policy.anonymous_allowed:
        classes += " b-watering-user-regonly"
    if policy.screening in _SCREEN_SCOPE:
        classes += " b-watering-user-screened" + _SCREEN_SCOPE[policy.screening]
    if policy.ip_recorded:
        classes += " b-watering-user-ipalert"
    return classes


def comment_form(journal: Journal, post: Post) -> str:
    """`div.b-watering`: the reply form with its notes, or the "disabled" bubble."""
    policy = journal.policy
    if policy.comments_disabled:
        return f'<p class="b-bubble-alert b-comments-disabled">{DISABLED}</p>'
    errors = (
        f'<p class="b-msgsystem-error b-msgsystem-error-regonly">{REGONLY}</p>'
        if not policy.anonymous_allowed
        else ""
    )
    notes = ""
    if policy.screening in _SCREEN_SCOPE:
        notes += f'<p class="b-msgsystem-error b-msgsystem-error-screened">{SCREENED}</p>'
    if policy.ip_recorded:
        notes += f'<p class="b-msgsystem-error b-msgsystem-error-ipalert">{IPALERT}</p>'
    return f"""<div class="{watering_classes(journal)}">
<form action="//www.livejournal.com/talkpost_do.bml" class="b-updateform-v5" id="postform"
 method="post">
<div class="b-watering-wrapper">
<input name="journal" type="hidden" value="{esc(journal.username)}"/>
<input name="itemid" type="hidden" value="{post.ditemid}"/>
<input id="replyto" name="replyto" type="hidden" value="0"/>
<input id="parenttalkid" name="parenttalkid" type="hidden" value="0"/>
<div class="b-msgsystem-errorbox">
<h4 class="b-msgsystem-errorbox-head">Error</h4>
<p class="b-msgsystem-error b-msgsystem-error-ajax"></p>
{errors}
</div>
<div class="b-watering-outer">
<div class="b-watering-fields">
<div class="b-watering-inner">
<div class="b-ljuserpic b-ljuserpic-nopics">
<span class="b-ljuserpic-default">default userpic</span>
<div class="b-myuserpic b-myuserpic-anonymous"><a class="b-myuserpic-current"
 href="javascript:void(0);" style="background-image: url({esc(DEFAULT_USERPIC_URL)});"></a></div>
</div>
<div class="b-updateform">
<textarea autocomplete="off" class="b-updateform-textarea" cols="60" id="body" name="body"
 rows="10"></textarea>
</div>
<div class="b-watering-msgbox">
{notes}
</div>
<div class="b-watering-submit">
<div class="b-ljbutton b-ljbutton-submit">
<button class="b-flatbutton" id="comment_submit" name="submitpost" title="{POST_COMMENT}"
 type="submit"> {POST_COMMENT} </button>
</div>
</div>
</div>
</div>
</div>
</div>
</form>
</div>"""
