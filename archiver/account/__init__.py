"""The user's LiveJournal login: the session file, cookies.txt, the login form, redaction."""
