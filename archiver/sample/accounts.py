"""Who can log in to the sample LiveJournal, whose friends they are, and which posts they may read.

| username       | password                        | who, to `zloy_odessit`                |
|----------------|---------------------------------|---------------------------------------|
| `zloy_odessit` | `sample-pass-zloy-odessit-1`    | the journal's owner                   |
| `tea_lover`    | `sample-pass-tea-lover-2`       | a friend, in the group "Odesa circle" |
| `oolong_fan`   | `sample-pass-oolong-fan-3`      | a friend in no group                  |
| `bystander`    | `sample-pass-bystander-4`       | a stranger: logged in, no friendship  |

Friends lists and friends groups belong to journal owners; only `zloy_odessit` has any. Its
friends are tea_lover, oolong_fan and odessa_mama (who has no password: she cannot log in here);
its groups are "Odesa circle" (tea_lover) and "Family" (odessa_mama). Every other journal's
non-public posts are readable by nobody here.

Who may read a post (LiveJournal's security levels): `public` everybody; `friends` the owner and
the owner's friends; `private` the owner; `custom` the owner and the members of the post's groups
(LiveJournal's "usemask" posts, readable by the friends groups their allowmask names).
"""

from __future__ import annotations

from dataclasses import dataclass

from archiver.sample.media import userid_of


@dataclass(frozen=True)
class Account:
    username: str
    password: str

    @property
    def userid(self) -> int:
        return userid_of(self.username)


@dataclass(frozen=True)
class FriendGroup:
    number: int  # its bit in LiveJournal's allowmask: 1 to 30 (bit 0 means "all friends")
    name: str
    members: tuple[str, ...]


ACCOUNTS: dict[str, Account] = {
    account.username: account
    for account in (
        Account("zloy_odessit", "sample-pass-zloy-odessit-1"),
        Account("tea_lover", "sample-pass-tea-lover-2"),
        Account("oolong_fan", "sample-pass-oolong-fan-3"),
        Account("bystander", "sample-pass-bystander-4"),
    )
}

FRIENDS: dict[str, tuple[str, ...]] = {
    "zloy_odessit": ("tea_lover", "oolong_fan", "odessa_mama"),
}

ODESA_CIRCLE = "Odesa circle"
FAMILY = "Family"
GROUPS: dict[str, tuple[FriendGroup, ...]] = {
    "zloy_odessit": (
        FriendGroup(1, ODESA_CIRCLE, ("tea_lover",)),
        FriendGroup(2, FAMILY, ("odessa_mama",)),
    ),
}

SECURITY_LEVELS = ("public", "friends", "private", "custom")


def account(username: str) -> Account | None:
    return ACCOUNTS.get(username)


def authenticate(username: str, password: str) -> Account | None:
    """The account when the password is its own, else None."""
    found = ACCOUNTS.get(username)
    return found if found is not None and found.password == password else None


def may_read(journal: str, security: str, groups: tuple[str, ...], reader: str | None) -> bool:
    """Whether `reader` (an account's name; None: logged out) may read a post of `journal`."""
    if security == "public":
        return True
    if reader is None:
        return False
    if reader == journal:
        return True
    if security == "friends":
        return reader in FRIENDS.get(journal, ())
    if security == "custom":
        return any(reader in g.members for g in GROUPS.get(journal, ()) if g.name in groups)
    return False
