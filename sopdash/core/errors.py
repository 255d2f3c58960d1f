"""The error hierarchy: every failure the user can see is one of these, turned into a message and an exit code at the edge."""


class SopdashError(Exception):
    """Base of every error sopdash reports to a user."""

    exit_code = 2


class RuleRefused(SopdashError):
    """An SOP rule refused the action; the message says which rule and what is missing."""

    exit_code = 1


class ConflictError(RuleRefused):
    """The ticket changed since the technician looked at it."""


class StoreError(SopdashError):
    """The store file is missing, corrupt, of an unknown version or not accessible."""


class InputError(SopdashError):
    """A command-line argument, config value or imported file is not acceptable."""


class ConfigError(InputError):
    """The configuration file has a bad value; the message names the file, key and reason."""

    def __init__(self, key: str, reason: str, source: str = "config") -> None:
        self.key = key
        self.reason = reason
        self.source = source
        super().__init__(f"{source}: {key}: {reason}")


def error_text(error: BaseException) -> str:
    """One line about any exception: an SopdashError says it itself; anything else is named with its type."""
    if isinstance(error, SopdashError):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
