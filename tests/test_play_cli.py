"""`backprop-tutor play`: bad input is one line and exit status 2, before any TUI starts."""

from __future__ import annotations

import pytest

from tutor.cli import main


@pytest.mark.parametrize(
    "argv, message",
    [
        (["nonsense"], "unknown example 'nonsense'"),
        (["--network", "/nonexistent/x.toml"], "cannot read"),
        (["mazur", "--network", "x.toml"], "not both"),
    ],
)
def test_bad_arguments_are_one_line(capsys, argv, message):
    assert main(["play", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and err.count("\n") == 1


def test_a_network_over_the_sandbox_limits_is_refused(tmp_path, capsys):
    path = tmp_path / "wide.toml"
    path.write_text(
        'seed = 1\ninputs = 2\nloss = "half_sse"\nlearning_rate = 0.5\n'
        '[[layers]]\nsize = 40\nactivation = "sigmoid"\ninit = "he"\n'
        '[[layers]]\nsize = 2\nactivation = "sigmoid"\ninit = "he"\n'
        "[sample]\ninputs = [0.1, 0.2]\ntargets = [0.0, 1.0]\n",
        encoding="utf-8",
    )
    assert main(["play", "--network", str(path)]) == 2
    err = capsys.readouterr().err
    assert "at most 6 neurons" in err and err.count("\n") == 1
