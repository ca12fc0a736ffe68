"""Who may do what: the installation's roles and each programme's owner and editors.

Roles are kept in the database (htq.store): an *administrator* manages members and refreshes
the data; an *editor* creates programmes and edits those they own or were made editor of; a
*viewer* reads every programme and changes none. Anyone the institution's identity provider
signs in is a viewer until an administrator says otherwise. Without sign-in configured the app
runs in single-user local mode: one person on their own machine, who may do everything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

ADMINISTRATOR, EDITOR, VIEWER = "administrator", "editor", "viewer"
ROLES = (ADMINISTRATOR, EDITOR, VIEWER)
OWNER, CO_EDITOR = "owner", "editor"  # a person's part in one programme
ADMINS_ENV = "HTQ_ADMINS"  # comma-separated e-mail addresses made administrators when they first sign in
UNDO_DAYS = 30  # a deleted programme can be restored for this long


@dataclass(frozen=True)
class User:
    """The person using the app: their identity from the identity provider, and their role here."""

    email: str
    name: str
    role: str = VIEWER
    local: bool = False  # single-user local mode: no sign-in configured

    @property
    def label(self) -> str:
        """Return how the person is named in the records (who saved, decided, answered)."""
        if self.local:
            return self.name
        return f"{self.name} <{self.email}>" if self.name and self.name != self.email else self.email

    def can_create(self) -> bool:
        """Return whether the person may save new programmes."""
        return self.local or self.role in (ADMINISTRATOR, EDITOR)

    def can_administer(self) -> bool:
        """Return whether the person may manage members and refresh the data."""
        return self.local or self.role == ADMINISTRATOR

    def can_edit(self, people: Mapping[str, str]) -> bool:
        """Return whether the person may change, share or delete a programme with these owner/editors."""
        if self.local or self.role == ADMINISTRATOR:
            return True
        return self.role in (EDITOR, VIEWER) and self.email.lower() in {e.lower() for e in people}


def local_user(name: str = "") -> User:
    """Return the one user of single-user local mode (named by what they type, if anything)."""
    return User(email="", name=name.strip() or "Local user", role=ADMINISTRATOR, local=True)


def configured_admins() -> set[str]:
    """Return the e-mail addresses $HTQ_ADMINS names (lower-case)."""
    return {e.strip().lower() for e in os.environ.get(ADMINS_ENV, "").split(",") if e.strip()}


def first_role(email: str, members: int) -> str:
    """Return the role of someone signing in who is not a member yet.

    Named in $HTQ_ADMINS: administrator. Otherwise, when the installation has no members at all,
    the first person to sign in becomes its administrator (somebody must be able to add the rest);
    everyone else starts as a viewer.
    """
    admins = configured_admins()
    if email.lower() in admins:
        return ADMINISTRATOR
    if not admins and members == 0:
        return ADMINISTRATOR
    return VIEWER
