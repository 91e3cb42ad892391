"""`www.livejournal.com/login.bml`: the login form, and its error after a failed login (MARKUP
"Logged in")."""

from __future__ import annotations

import hashlib

from archiver.sample.content import Site
from archiver.sample.render.markup import WWW, esc
from archiver.sample.render.site_json import script_block

LOGIN_URL = f"{WWW}/login.bml"
BAD_PASSWORD = "Bad password"
UNKNOWN_USER = "Unknown user"


def form_auth(site: Site) -> str:
    """The hidden `lj_form_auth`: a token LiveJournal checks and the sample does not."""
    token = hashlib.sha1(f"login:{site.now.isoformat()}".encode()).hexdigest()
    return f"c0:{int(site.now.timestamp())}:0:86400:sample-0-:{token}"


def login_page(
    site: Site, *, reader: str | None, user: str = "", ret: str = "", error: str = ""
) -> str:
    """The form `form#login-form` posting `user`, `password`, `remember_me`, `lj_form_auth` (and
    `ret`, where to go after), with `div.b-loginform-error` when a login failed."""
    alert = f'<div class="b-loginform-error">{esc(error)}</div>\n' if error else ""
    back = f'<input type="hidden" name="ret" value="{esc(ret)}"/>\n' if ret else ""
    script = script_block(site, page={}, journal=None, remote=reader)
    return f"""<!DOCTYPE html>
<html class="html-schemius" id="no-js" lang="en-us">
<head>
<meta charset="utf-8"/>
<title>Log in — LiveJournal</title>
</head>
<body class="s-schemius">
<div class="s-layout">
<div class="s-body">
<div class="b-loginform">
<h1 class="b-loginform-title">Log in</h1>
{alert}<form id="login-form" class="b-loginform-form" action="{LOGIN_URL}" method="post">
<input type="hidden" name="lj_form_auth" value="{esc(form_auth(site))}"/>
{back}<label class="b-loginform-field">Username
<input type="text" name="user" value="{esc(user)}" autocomplete="username"/></label>
<label class="b-loginform-field">Password
<input type="password" name="password" value="" autocomplete="current-password"/></label>
<label class="b-loginform-remember"><input type="checkbox" name="remember_me" value="1"/>
Remember me</label>
<button type="submit" name="action:login" class="b-loginform-btn">Log in</button>
</form>
</div>
</div>
</div>
{script}
</body>
</html>
"""
