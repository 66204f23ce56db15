"""Atomic writes: all or nothing, and the file gets an ordinary mode."""

import os
import stat

import pytest

from tutor.atomic import write_text_atomic


def test_new_file_gets_the_umask_mode_not_mkstemps_0600(tmp_path):
    old = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "a.txt", "hello")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").read_text() == "hello"
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644


def test_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "b.txt"
    target.write_text("old")
    target.chmod(0o600)
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_failure_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "c.txt"
    target.write_text("old")

    def fail(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        write_text_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]


# -- only regular files are written (issue 9, item 3) ---------------------------------------------


def test_setuid_setgid_and_sticky_bits_are_never_copied(tmp_path):
    target = tmp_path / "s.txt"
    target.write_text("old")
    target.chmod(0o7755)
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def _refused(target, match: str) -> None:
    from tutor.atomic import UnsafeTargetError

    with pytest.raises(UnsafeTargetError, match=match) as caught:
        write_text_atomic(target, "new")
    assert str(target) in str(caught.value)
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_fifo_is_refused_and_left_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _refused(fifo, "is a FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symlink_is_refused_not_replaced_nor_followed(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    os.symlink(real, link)
    _refused(link, "symbolic link")
    assert os.path.islink(link) and real.read_text() == "old"
    to_device = tmp_path / "null"
    os.symlink(os.devnull, to_device)
    _refused(to_device, "symbolic link")
    assert os.readlink(to_device) == os.devnull
    dangling = tmp_path / "dangling"
    os.symlink(tmp_path / "nowhere", dangling)
    _refused(dangling, "symbolic link")
    assert not (tmp_path / "nowhere").exists()


def test_a_hard_linked_file_is_refused_and_both_names_keep_it(tmp_path):
    first = tmp_path / "first.txt"
    first.write_text("old")
    second = tmp_path / "second.txt"
    os.link(first, second)
    _refused(first, "2 hard links")
    assert first.read_text() == second.read_text() == "old"
    assert os.stat(first).st_ino == os.stat(second).st_ino


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    _refused(folder, "is a folder")
    assert folder.is_dir()


def test_a_device_node_is_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    _refused(device, "character device")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_trace_and_mnist_export_refuse_a_fifo_with_one_line(tmp_path, capsys):
    from tutor.cli import main

    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    for argv in (
        ["trace", "mazur", "--format", "json", "-o", str(fifo)],
        ["mnist", "--epochs", "1", "--export", str(fifo)],
    ):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and "is a FIFO" in err and str(fifo) in err
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
