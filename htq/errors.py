"""The one base of every error meant for the user.

Each module raises its own subclass (DocumentError, ProgrammeError, StoreError, RefreshError, …)
with a message written for the person who caused it or can fix it: it is shown as it is, never
rewritten. Pages and the command line catch HTQError and show the message; any other exception
is a bug and is left to surface as one.
"""

from __future__ import annotations


class HTQError(Exception):
    """A problem the user can act on; ``str(error)`` is the whole message to show them."""
