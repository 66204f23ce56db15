"""The running TutorApp with its type: Textual types every widget's `app` as a plain App."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from tutor.tui.app import TutorApp


def tutor_app(node: DOMNode) -> TutorApp:
    """`node.app`, the TutorApp every screen of the tutor runs in (its store, lessons, …)."""
    return cast("TutorApp", node.app)
