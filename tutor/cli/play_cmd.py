"""`backprop-tutor play [EXAMPLE | --network FILE]`: open the sandbox on a network."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `play`."""
    parser.add_argument(
        "example",
        nargs="?",
        default=None,
        help="a sandbox preset (xor) or built-in example (mazur)",
    )
    parser.add_argument("--network", metavar="FILE", help="play with the network of a TOML file")


def run(args: argparse.Namespace) -> int:
    """Check the network (one line on bad input), then open the tutor on its sandbox."""
    from tutor import sandbox as sb
    from tutor.cli import UsageError

    if args.network and args.example:
        raise UsageError("give a built-in example or --network FILE, not both")
    try:
        if args.network:
            from tutor.engine.netfile import NetFileError, load_network_file

            try:
                state = sb.from_example(load_network_file(args.network))
            except NetFileError as error:
                raise UsageError(str(error)) from None
        else:
            state = sb.open_named(args.example or "mazur")
    except KeyError as error:
        raise UsageError(error.args[0]) from None
    except sb.SandboxError as error:
        raise UsageError(f"{args.network or args.example}: {error}") from None
    # Textual is imported only here: the headless subcommands never pay for it.
    from tutor.tui.app import TutorApp

    TutorApp(start_sandbox=state).run()
    return 0
