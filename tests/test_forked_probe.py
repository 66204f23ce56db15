"""tests/forked_probe.py: a forked probe's stdin and output are a fresh `python -c`'s."""

from tests import forked_probe

ECHO = (
    "import sys\n"
    "text = sys.stdin.read()\n"
    "sys.stdout.buffer.write(repr((text, sys.stdin.encoding)).encode() + b'\\xff')\n"
    "sys.stderr.write('done')\n"
)


def test_a_probe_reads_the_input_given_and_writes_bytes():
    done = forked_probe.run(ECHO, input="two\nlines é".encode(), text=False, check=True)
    assert done.stdout == repr(("two\nlines é", "utf-8")).encode() + b"\xff"
    assert done.stderr == b"done"


def test_without_input_a_probe_reads_nothing():
    done = forked_probe.run(ECHO, check=True)
    assert done.stdout == repr(("", "utf-8")) + "\ufffd"  # text: the byte 0xff replaced
    assert done.stderr == "done"
