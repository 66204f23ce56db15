"""`trace EXAMPLE --form matrix [--param ENTRY] [--neuron NAME]`: the step as z = W·a + b."""

from __future__ import annotations

import argparse

from tutor.cli import UsageError
from tutor.engine.examples import Example


def matrix_text(args: argparse.Namespace, example: Example) -> str:
    """The step in matrix form, in the format asked for, with any chains asked for."""
    from tutor.engine.matrix import ChainError, matrix_step, neuron_chain, param_chain
    from tutor.export.matrix import CHAIN_FORMATS, export_matrix, with_chain

    chains = [("--param", p) for p in args.param or []]
    chains += [("--neuron", n) for n in args.neuron or []]
    if chains and args.format not in CHAIN_FORMATS:
        raise UsageError(f"{chains[0][0]}: a chain goes in {', '.join(CHAIN_FORMATS)} output")
    tr = matrix_step(example)
    text = export_matrix(tr, args.format, args.precision)
    for option, spec in chains:
        try:
            if option == "--param":
                lines, title = param_chain(tr, spec), f"The chain of {spec}"
            else:
                lines, title = neuron_chain(tr, spec), f"Every value of neuron {spec}"
        except ChainError as error:
            raise UsageError(f"{option}: {error}") from None
        text = with_chain(text, args.format, title, lines, args.precision)
    return text
