"""Errors a person can act on. Each carries a Japanese message ready to show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class UserFacingError(Exception):
    """Anything whose message is fit to show a clerk as it stands."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class DatabaseOpenError(UserFacingError):
    """The database could not be opened at all (missing, corrupt, not ours)."""


class NewerDatabaseError(DatabaseOpenError):
    """The database was migrated by a newer release than this one."""


class DatabaseDamagedError(DatabaseOpenError):
    """The file opened, but SQLite found it damaged while an action read it; nothing was saved."""


class DatabaseBusyError(UserFacingError):
    """Another program or PC held the database; nothing of this action was saved."""


class ValidationFailed(UserFacingError):
    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(message for _, message in self.problems))


class DuplicateNumberError(UserFacingError):
    pass


class ConflictError(UserFacingError):
    """A database constraint refused a save another PC made at the same moment."""


class FieldChange(NamedTuple):
    label: str
    mine: str
    theirs: str


class StaleEditError(UserFacingError):
    """Someone saved the same row after this editor loaded it."""

    def __init__(self, message: str, changes: Sequence[FieldChange] = ()) -> None:
        self.changes = list(changes)
        super().__init__(message)


class NotFoundError(UserFacingError):
    pass


class HasRecordsError(UserFacingError):
    pass


class PermissionDeniedError(UserFacingError):
    """The signed-in user's role does not allow this change; nothing was saved."""


class SignInError(UserFacingError):
    """A wrong login or password, a locked or disabled account: the message says which may be told."""
