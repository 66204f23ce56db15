"""Start-up stays light: `--help` and `lessons` load only what they need (in sys.modules)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import forked_probe

ROOT = Path(__file__).resolve().parent.parent

# Runs the CLI in a fresh interpreter and prints the top-level packages it loaded (the probes
# that look at more than NumPy's absence run forked from one: tests/forked_probe.py).
PROBE = (
    "import json, sys\n"
    "from tutor.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('MODULES=' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
)


def loaded_by(*argv: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads([x for x in out.splitlines() if x.startswith("MODULES=")][-1][8:]))


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_import_neither_numpy_nor_textual(argv):
    modules = loaded_by(*argv)
    assert "tutor" in modules  # the probe saw the import
    assert not modules & {"numpy", "textual", "sympy"}


def test_lessons_does_not_import_numpy():
    modules = loaded_by("lessons")
    assert "tutor" in modules
    assert not modules & {"numpy", "textual", "sympy"}


# `python -m tutor ARGV` as a probe: the package run as `-m` runs it (its `__main__`, argv).
RUN_AS_MAIN = "import runpy\nrunpy.run_module('tutor', run_name='__main__', alter_sys=True)\n"


def help_text(*argv: str) -> str:
    """What `python -m tutor ARGV` prints, in a process of its own (the parsers it builds):
    forked from the probe server (`trace --help` imports NumPy anyway: 0.25 s of CPU afresh)."""
    return forked_probe.run(RUN_AS_MAIN, *argv, check=True).stdout


def test_a_subcommand_still_declares_its_own_options():
    assert "--rounds" in help_text("trace", "--help")


def test_a_network_over_the_symbolic_limit_is_refused_before_sympy_loads(tmp_path):
    layers = "".join(
        f'[[layers]]\nsize = {size}\nactivation = "sigmoid"\ninit = "xavier"\nbias = "zeros"\n'
        for size in (4, 4, 4, 2)
    )
    net = tmp_path / "big.toml"
    net.write_text(
        'inputs = 2\nloss = "half_sse"\nlearning_rate = 0.5\nseed = 1\n'
        + layers
        + "[sample]\ninputs = [0.5, 0.5]\ntargets = [0.2, 0.2]\n"
    )
    probe = PROBE.replace("main(sys.argv[1:])", "sys.exit_code = main(sys.argv[1:])") + (
        "print('EXIT=' + str(sys.exit_code))\n"
    )
    result = forked_probe.run(probe, "derive", "--network", str(net), check=True)
    line = [x for x in result.stdout.splitlines() if x.startswith("MODULES=")][-1]
    modules = json.loads(line[8:])
    assert "EXIT=2" in result.stdout
    assert "62 parameters" in result.stderr and "symbolic derivations stop at 30" in result.stderr
    assert "sympy" not in modules


@pytest.fixture(scope="module")
def trace_mazur_probe() -> tuple[str, set[str], list[str]]:
    """One `trace mazur` run in a process of its own (forked from a clean interpreter holding
    NumPy, which `trace` imports anyway; `tests/forked_probe.py`): its output, every module it
    loaded, and the argparse parsers it built (each costs start-up where bytecode is not
    written)."""
    probe = PROBE.replace("{m.split('.')[0] for m in sys.modules}", "set(sys.modules)").replace(
        "main(sys.argv[1:])",
        "import argparse\n"
        "    built = []\n"
        "    init = argparse.ArgumentParser.__init__\n"
        "    def counted(self, *a, **k):\n"
        "        built.append(k.get('prog'))\n"
        "        init(self, *a, **k)\n"
        "    argparse.ArgumentParser.__init__ = counted\n"
        "    main(sys.argv[1:])\n"
        "    print('PARSERS=' + json.dumps(built))",
    )
    out = forked_probe.run(probe, "trace", "mazur", check=True).stdout
    modules = set(json.loads([x for x in out.splitlines() if x.startswith("MODULES=")][-1][8:]))
    parsers = json.loads([x for x in out.splitlines() if x.startswith("PARSERS=")][-1][8:])
    return out, modules, parsers


def test_trace_mazur_loads_neither_the_other_formats_nor_the_file_reader_nor_training(
    trace_mazur_probe,
):
    """`trace mazur` prints text: the JSON, CSV, Markdown and LaTeX writers, the network-file
    reader (and its TOML parser) and the training loop are loaded only by what uses them."""
    out, modules, _ = trace_mazur_probe
    assert "E_total" in out and {"tutor.engine.traced", "tutor.export.text"} <= modules
    unused = {
        "tomllib",
        "csv",
        "tutor.engine.netfile",
        "tutor.engine.initializers",
        "tutor.engine.training",
        "tutor.engine.small_step",
        "tutor.engine.rounds",
        "tutor.export.jsonfmt",
        "tutor.export.csvfmt",
        "tutor.export.markdown",
        "tutor.export.latex",
    }
    assert modules & unused == set()


def test_trace_mazur_loads_only_the_modules_of_its_own_path(trace_mazur_probe):
    """Every module imported is compiled from source on each run where bytecode is not written
    (benchmarks/bench_startup.py): `trace mazur` loads no reader of names from files, no builder
    of the course's other examples, none of trace's other options' code, no control-character
    scanner (nothing is read from a file), and builds no other subcommand's parser."""
    out, modules, parsers = trace_mazur_probe
    assert "E_total" in out and "tutor.engine.traced" in modules
    unused = {
        "tutor.engine.value_names",
        "tutor.experiments.course_examples",
        "tutor.experiments.registry",
        "tutor.cli.trace_rounds",
        "tutor.cli.trace_matrix",
        "tutor.cli.trace_symbolic",
        "tutor.cli.trace_graph",
        "tutor.engine.matrix",
        "tutor.engine.batch",
        "tutor.text_safety",
        "tutor.atomic",
        "tutor.progress",
    }
    assert modules & unused == set()
    assert len(parsers) == 2  # the top-level parser and trace's, not one per subcommand


def test_a_top_level_option_before_the_command_still_sees_every_command():
    out = help_text("--help", "trace")
    assert "derive" in out and "worksheet" in out
