"""Loading what a subcommand traces or derives: a network file, or an example by name."""

from __future__ import annotations

from collections.abc import Callable

from tutor.cli import UsageError
from tutor.engine.examples import Example


def load_example(
    network: str | None, name: str, lookup: Callable[[str], Example], unknown_hint: str = ""
) -> Example:
    """The network file `network` if given, else `lookup(name)`; bad input as a UsageError."""
    if network:
        from tutor.engine.netfile import NetFileError, load_network_file

        try:
            return load_network_file(network)
        except NetFileError as error:
            raise UsageError(str(error)) from None
    try:
        return lookup(name)
    except KeyError as error:
        raise UsageError(f"{error.args[0]}{unknown_hint}") from None
