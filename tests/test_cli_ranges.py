"""Issue 9, item 8: every numeric option has a documented range enforced by the parser.

Out of range or not a number: one line on stderr naming the option and the range,
exit status 2, before any work (no training started, no traceback).
"""

from __future__ import annotations

import io

import pytest

from tutor.cli import build_parser, main

# (argv, the option named in the message, the range in the message)
BAD = [
    (["trace", "mazur", "--rounds", str(10**12)], "--rounds", "1 to 1,000,000"),
    (["trace", "mazur", "--rounds", "0"], "--rounds", "1 to 1,000,000"),
    (["trace", "mazur", "--rounds", "10**12"], "--rounds", "1 to 1,000,000"),
    (["trace", "mazur", "--precision", "18"], "--precision", "1 to 17"),
    (["trace", "mazur", "--precision", "0"], "--precision", "1 to 17"),
    (["derive", "mazur", "--precision", "99"], "--precision", "1 to 17"),
    (["run", "worked-example", "--step", "0"], "--step", "1 to 100,000"),
    (["run", "worked-example", "--step", "9" * 5000], "--step", "1 to 100,000"),
    (["check", "mazur", "--tolerance", "nan"], "--tolerance", "(0, 1)"),
    (["check", "mazur", "--tolerance", "-1"], "--tolerance", "(0, 1)"),
    (["check", "mazur", "--tolerance", "1"], "--tolerance", "(0, 1)"),
    (["mnist", "--epochs", str(10**12)], "--epochs", "0 to 1,000"),
    (["mnist", "--threads", "2147483647"], "--threads", "0 to 256"),
    (["mnist", "--threads", str(10**30)], "--threads", "0 to 256"),
    (["mnist", "--threads", "-1"], "--threads", "0 to 256"),
    (["mnist", "--hidden", str(10**8)], "--hidden", "each 1 to 4,096"),
    (["mnist", "--hidden", str(10**30)], "--hidden", "each 1 to 4,096"),
    (["mnist", "--hidden", "0"], "--hidden", "each 1 to 4,096"),
    (["mnist", "--hidden", "128,x"], "--hidden", "sizes like 128"),
    (["mnist", "--hidden", "4096,4096"], "--hidden", "the limit is 10,000,000"),
    (["mnist", "--hidden", ",".join(["8"] * 9)], "--hidden", "the limit is 8"),
    (["mnist", "--seed", "-1"], "--seed", "0 to 4,294,967,295"),
    (["mnist", "--seed", "4294967296"], "--seed", "0 to 4,294,967,295"),
    (["mnist", "--batch-size", "0"], "--batch-size", "1 to 65,536"),
    (["mnist", "--lr", "0"], "--lr", "(0, 100]"),
    (["mnist", "--lr", "inf"], "--lr", "(0, 100]"),
    (["mnist", "--lr-decay", "-2"], "--lr-decay", "(0, 10]"),
    (["mnist", "--l2", "-0.1"], "--l2", "[0, 10]"),
    (["mnist", "--l2", "nan"], "--l2", "[0, 10]"),
    (["mnist", "--dropout", "0"], "--dropout", "(0, 1]"),
    (["mnist", "--dropout", "1.5"], "--dropout", "(0, 1]"),
    (["mnist", "--worst", "-1"], "--worst", "0 to 100"),
    (["mnist", "--worst", str(10**9)], "--worst", "0 to 100"),
    (["mnist", "--sample", "-5"], "--sample", "0 to 999,999"),
]


@pytest.mark.parametrize("argv, option, expected", BAD, ids=[" ".join(b[0])[:50] for b in BAD])
def test_out_of_range_option_is_one_line_exit_2(argv, option, expected, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.count("\n") == 1, err
    assert f"argument {option}" in err and expected in err, err
    assert "Traceback" not in err


def test_every_numeric_option_has_a_range_checking_type():
    """A new numeric option with a bare `type=int`/`float` (no range) fails here."""
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    bare = []
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            if action.type in (int, float):
                bare.append(f"{name} {'/'.join(action.option_strings)}")
    assert bare == []


def test_values_at_the_ends_of_the_ranges_are_accepted():
    parser = build_parser()
    args = parser.parse_args(
        ["mnist", "--seed", str(2**32 - 1), "--hidden", "4096,64", "--threads", "0",
         "--epochs", "0", "--dropout", "1", "--l2", "0", "--lr", "100", "--worst", "0"]
    )  # fmt: skip
    assert args.seed == 2**32 - 1 and args.hidden == (4096, 64) and args.dropout == 1.0
    assert parser.parse_args(["mnist"]).hidden == (128,)
    args = parser.parse_args(["trace", "mazur", "--rounds", "1000000", "--precision", "17"])
    assert args.rounds == 1_000_000 and args.precision == 17


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_long_rounds_show_progress_on_a_terminal(monkeypatch, capsys):
    err = FakeTerminal()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["trace", "mazur", "--rounds", "3000"]) == 0
    assert "training" in err.getvalue() and "3000/3000" in err.getvalue()
    assert "After 3000 rounds" in capsys.readouterr().out


def test_a_reused_parser_gives_each_call_its_own_values(tmp_path, monkeypatch):
    """`main` builds a command's parser once per process; no call sees another call's values,
    nor shares a list default (`--lessons`'s []) that a command could change."""
    from tutor.cli import _PARSERS, lessons_cmd

    seen = []
    monkeypatch.setattr(lessons_cmd, "run", lambda args: seen.append(args) or 0)
    assert main(["lessons", "--lessons", str(tmp_path)]) == 0
    assert main(["lessons"]) == 0
    seen[1].lessons.append(tmp_path)  # a command changing its list changes no later call's
    assert main(["lessons"]) == 0
    assert [args.lessons for args in seen] == [[tmp_path], [tmp_path], []]
    assert seen[1].lessons is not seen[2].lessons
    assert main(["lessons", "--lessons", str(tmp_path), "--lessons", str(tmp_path)]) == 0
    assert seen[3].lessons == [tmp_path, tmp_path] and seen[2].lessons == []
    assert sum(key[0] == "lessons" for key in _PARSERS) == 1  # one parser served every call
