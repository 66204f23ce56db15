"""A derivation as plain data (captions and rendered formulas), free of SymPy for its readers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tutor.errors import TutorError


@dataclass(frozen=True)
class Step:
    """One line of a derivation: what it says, the formula (Unicode and LaTeX), its value."""

    caption: str
    # The Unicode and LaTeX texts, or functions making them on first use: printing a long
    # expanded derivative costs more than a reader of the numbers alone should pay.
    unicode_source: str | Callable[[], str] = field(repr=False, compare=False)
    latex_source: str | Callable[[], str] = field(default="", repr=False, compare=False)
    value: float | None = None
    # The trace's name for the quantity this line ends with (`dE_total/dw5`), to match numbers.
    name: str | None = None

    @property
    def unicode(self) -> str:
        """The formula drawn in Unicode for the terminal (2-D), or one line when it is long."""
        source = self.unicode_source
        if callable(source):
            source = source()
            object.__setattr__(self, "unicode_source", source)
        return source

    @property
    def latex(self) -> str:
        """The formula as LaTeX."""
        source = self.latex_source
        if callable(source):
            source = source()
            object.__setattr__(self, "latex_source", source)
        return source

    def as_dict(self) -> dict:
        """The step as JSON-ready data."""
        return {
            "caption": self.caption,
            "unicode": self.unicode,
            "latex": self.latex,
            "value": self.value,
            "name": self.name,
        }


@dataclass(frozen=True)
class Derivation:
    """The steps deriving one parameter's gradient or one activation's derivative."""

    target: str
    title: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def values(self) -> dict[str, float]:
        """Trace name → value for every step that has both."""
        return {s.name: s.value for s in self.steps if s.name and s.value is not None}

    def as_dict(self) -> dict:
        """The derivation as JSON-ready data."""
        return {
            "target": self.target,
            "title": self.title,
            "steps": [s.as_dict() for s in self.steps],
        }


class TooLargeForSymbolic(TutorError, ValueError):
    """The network has more parameters than the symbolic derivation handles."""
