"""The `backprop-tutor` command: the TUI with no arguments, headless subcommands otherwise.

Each subcommand lives in its own module under `tutor.cli` and is imported only
when used, so `backprop-tutor trace` never pays for Textual or SymPy.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator

from tutor.errors import TutorError
from tutor.errors import UsageError as UsageError  # the subcommands import it from here

# name → (module, help). Each module defines `add_arguments(parser)` and `run(args) -> int`.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "trace": ("tutor.cli.trace_cmd", "trace a network's training step by step"),
    "derive": ("tutor.cli.derive_cmd", "derive the chain rule symbolically (SymPy)"),
    "check": ("tutor.cli.check_cmd", "check every gradient three ways"),
    "lessons": ("tutor.cli.lessons_cmd", "list the lessons"),
    "run": ("tutor.cli.run_cmd", "play a lesson headless"),
    "verify": ("tutor.cli.verify_cmd", "check every published figure of every lesson"),
    "mnist": ("tutor.cli.mnist_cmd", "train and evaluate on MNIST digits"),
    "play": ("tutor.cli.play_cmd", "the sandbox: change any number, watch the step, train"),
    "serve": ("tutor.cli.serve_cmd", "serve the tutor in a web browser, one session per tab"),
    "worksheet": ("tutor.cli.worksheet_cmd", "a student's own worksheet, or its key"),
    "grade": ("tutor.cli.grade_cmd", "grade filled worksheets against their keys"),
    "progress": ("tutor.cli.progress_cmd", "show or export the student's progress"),
    "tui": ("tutor.cli.tui_cmd", "open the tutor (the default with no subcommand)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line (like UsageError), not the usage block too."""

    def error(self, message: str):
        from tutor.text_safety import escape_controls

        # argparse quotes what was typed (`unrecognized arguments: ...`): never raw controls.
        self.exit(2, escape_controls(f"{self.prog}: error: {message} (see {self.prog} --help)\n"))


def build_parser(command: str | None = None, alone: bool = False) -> argparse.ArgumentParser:
    """The argument parser, every subcommand registered (with `alone`, `command` only).

    Every subcommand is listed, but only `command`'s module is imported to declare its
    arguments (None: every module's, "": none), so `--help` and `lessons` never load NumPy.
    `alone`: when the command line starts with `command`, the top-level parser only hands the
    rest to it (no top-level option comes first to print the list), so the other subcommands'
    parsers, each costing argparse's set-up and gettext look-ups at start-up, are not built.
    """
    parser = _Parser(
        prog="backprop-tutor",
        description="A terminal tutor that traces every number of backpropagation.",
    )
    from tutor import __version__

    parser.add_argument("--version", action="version", version=f"backprop-tutor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    listed = {command: SUBCOMMANDS[command]} if alone and command else SUBCOMMANDS
    for name, (module_name, help_text) in listed.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        sub_parser.set_defaults(_module=module_name)
        if command is None or command == name:
            importlib.import_module(module_name).add_arguments(sub_parser)
    return parser


def command_of(argv: list[str]) -> str:
    """The subcommand `argv` names ("" if none): the first word that is not an option."""
    for word in argv:
        if word == "--":
            break
        if not word.startswith("-"):
            return word if word in SUBCOMMANDS else ""
    return ""


# The parsers `main` built, by (command, alone), for its later calls in the same process: a
# learner's process calls it once, the test suite hundreds of times (~530 calls counted outside
# the TUI and the experiments tests; ~2 ms a build). argparse parses into a new namespace each
# time; a list default is copied below.
_PARSERS: dict[tuple[str, bool], argparse.ArgumentParser] = {}


def _parser(command: str, alone: bool) -> argparse.ArgumentParser:
    key = (command, alone)
    if key not in _PARSERS:
        _PARSERS[key] = build_parser(command, alone=alone)
    return _PARSERS[key]


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Every option of `parser` and of its subcommands' parsers."""
    for action in parser._actions:
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for sub_parser in action.choices.values():
                yield from _actions(sub_parser)


def _own_list_defaults(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """An option left at a list default (`--lessons`'s []) gets its own copy: argparse hands
    out the default object itself, which a reused parser would share between its parses."""
    for action in _actions(parser):
        default = action.default
        if getattr(args, action.dest, None) is default and isinstance(default, list):
            setattr(args, action.dest, list(default))


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run a subcommand; the TUI when none is given."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        argv = ["tui"]
    command = command_of(argv)
    parser = _parser(command, argv[0] == command)
    args = parser.parse_args(argv)
    _own_list_defaults(parser, args)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 2
    module = importlib.import_module(args._module)
    try:
        return int(module.run(args) or 0)
    except TutorError as error:  # every error of the tutor's own: one line, status 2
        from tutor.text_safety import escape_controls

        # The message may echo a lesson id, a path or a file's value: shown escaped.
        print(escape_controls(f"backprop-tutor {args.command}: error: {error}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped reading (`| head`): not an error; keep Python quiet at exit.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
