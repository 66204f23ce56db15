"""The tutor's errors: one base, `TutorError`, whose message is one line for the reader.

The CLI catches `TutorError` once (`tutor.cli.main`): one line on stderr, exit status 2.
Under it, by what went wrong:

- `UsageError`: the command line asks for something impossible or contradictory.
- `FileFormatError`: a file the tutor reads is malformed (NetFileError, LessonError,
  TraceFormatError, AnswersFileError, MnistDataError).
- `TrainingError`: training went wrong (TrainingDiverged).
- `NotFound`: a lookup by name failed (an example, a variant, an experiment); also a
  `KeyError`, so callers that catch KeyError keep working, but its `str()` is the sentence.
- Others derive from `TutorError` directly (InputRefused, the "too large" refusals, ...).

Each error keeps its older built-in base (ValueError, ArithmeticError, OSError) beside
TutorError, so every existing `except ValueError` still catches what it caught.
"""

from __future__ import annotations


class TutorError(Exception):
    """Base of the tutor's own errors: the message is one line a learner can act on."""


class UsageError(TutorError):
    """Bad input from the user: printed as one line, exit status 2."""


class FileFormatError(TutorError):
    """A file the tutor reads is malformed, or refused."""


class TrainingError(TutorError):
    """Training could not go on (the loss or a parameter stopped being finite, ...)."""


class NotFound(TutorError, KeyError):
    """A lookup by name found nothing; the message names what is known."""

    def __str__(self) -> str:
        """The sentence itself (KeyError's own str() would quote it)."""
        return str(self.args[0]) if self.args else ""
