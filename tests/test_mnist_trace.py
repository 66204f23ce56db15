"""The traced MNIST sample (against a direct computation), its JSON export, and the CLI."""

from __future__ import annotations

import gzip
import io
import json
import sys
import zlib

import numpy as np
import pytest

from tests import forked_probe
from tests.mnist_helpers import (  # noqa: F401  (one_blas_thread: autouse)
    idx_images,
    idx_labels,
    one_blas_thread,
    write_idx_folder,
    write_tiled_idx_folder,
)
from tutor.cli import main
from tutor.mnist.subset import load_subset, subset_dataset
from tutor.mnist.traced_sample import draw_digit, format_trace, to_json, trace_sample
from tutor.mnist.train import MnistConfig, build_mnist_network, fit, one_hot, to_inputs


@pytest.fixture(scope="module")
def trained():
    ds = subset_dataset()
    config = MnistConfig(epochs=2, keep_prob=0.7, dtype="float64", seed=2)
    net = build_mnist_network(config)
    fit(net, to_inputs(ds.X_train[::4], np.float64), one_hot(ds.y_train[::4], np.float64), config)
    return net, ds


def test_traced_sample_matches_a_direct_computation(trained):
    net, ds = trained
    k = 417
    tr = trace_sample(net, ds.X_test[k], int(ds.y_test[k]), k)
    (W1, b1), (W2, b2) = [(layer.W, layer.b) for layer in net.layers]
    x = ds.X_test[k].astype(np.float64) / 255.0
    z1 = x @ W1 + b1
    h = np.maximum(z1, 0.0)
    z2 = h @ W2 + b2
    p = np.exp(z2 - z2.max()) / np.sum(np.exp(z2 - z2.max()))
    t = np.eye(10)[ds.y_test[k]]
    d2 = p - t
    d1 = (W2 @ d2) * (z1 > 0)
    np.testing.assert_allclose(tr.probs, p, rtol=1e-12, atol=1e-15)
    assert float(np.sum(tr.probs)) == pytest.approx(1.0, abs=1e-12)
    assert tr.predicted == int(np.argmax(p)) and tr.label == int(ds.y_test[k])
    assert tr.loss == pytest.approx(-np.log(p[ds.y_test[k]]), rel=1e-12)
    norms = tr.grad_norms()
    expected = [
        (np.linalg.norm(np.outer(x, d1)), np.linalg.norm(d1)),
        (np.linalg.norm(np.outer(h, d2)), np.linalg.norm(d2)),
    ]
    for got, (dW, db) in zip(norms, expected):
        assert got["dW"] == pytest.approx(dW, rel=1e-10)
        assert got["db"] == pytest.approx(db, rel=1e-10)
        assert got["delta"] == pytest.approx(db, rel=1e-10)
    # Top contributing hidden units: the largest out_h[j]·W2[j, c] of the predicted class c.
    shares = h * W2[:, tr.predicted]
    assert [c.unit for c in tr.top_units] == list(np.argsort(-shares)[:5])
    assert sum(shares) + b2[tr.predicted] == pytest.approx(z2[tr.predicted], rel=1e-12)


def test_screen_summary_and_full_export(trained):
    net, ds = trained
    tr = trace_sample(net, ds.X_test[0], int(ds.y_test[0]), 0)
    drawing = draw_digit(ds.X_test[0]).splitlines()
    assert len(drawing) == 28 and {len(line) for line in drawing} == {56}
    assert drawing[0].strip() == "" and any("█" in line for line in drawing)
    text = format_trace(tr)
    assert "softmax outputs (sum 1.000000)" in text and "dE/dW1" in text
    assert f"(784, {net.sizes[1]})" in text
    doc = json.loads(json.dumps(to_json(tr)))
    layer1 = doc["layers"][0]
    assert np.array(layer1["W"]).shape == (784, 128)
    assert np.array(layer1["dE_dW1"]).shape == (784, 128)
    np.testing.assert_array_equal(np.array(layer1["dE_dW1"]), tr.layers[0].dW)
    assert len(doc["softmax"]) == 10 and len(doc["image"]) == 784


def test_cli_on_a_data_folder_with_export(tmp_path, capsys, monkeypatch):
    ds = subset_dataset()
    take = np.arange(0, len(ds.y_train), len(ds.y_train) // 600)[:600]
    # Test digits 0-39 are all zeros (the subset is sorted by digit).
    write_idx_folder(
        tmp_path, (ds.X_train[take], ds.y_train[take]), (ds.X_test[:40], ds.y_test[:40])
    )
    monkeypatch.delenv("BACKPROP_TUTOR_MNIST", raising=False)
    out_file = tmp_path / "run.json"
    argv = ["mnist", "--data", str(tmp_path), "--epochs", "2", "--sample", "3"]
    code = main([*argv, "--threads", "1", "--export", str(out_file)])
    out = capsys.readouterr()
    assert code == 0 and out.err == ""  # no progress bar when not on a terminal
    assert f"data: MNIST IDX files in {tmp_path}" in out.out
    assert "probability of KEEPING a unit" in out.out and "accuracy" in out.out
    assert "digit #3: label" in out.out
    doc = json.loads(out_file.read_text())
    assert doc["config"]["keep_prob"] == 0.7 and len(doc["loss_curve"]) == 2
    assert np.array(doc["confusion"]).sum() == 40
    assert doc["per_class"][1:] == [None] * 9  # no test digits of those classes
    assert doc["traced_sample"]["index"] == 3


def test_cli_reads_the_folder_named_by_the_environment(tmp_path, capsys, monkeypatch):
    ds = subset_dataset()
    train = (ds.X_train[::40], ds.y_train[::40])
    write_idx_folder(tmp_path, train, (ds.X_test[::50], ds.y_test[::50]), gz_train=False)
    monkeypatch.setenv("BACKPROP_TUTOR_MNIST", str(tmp_path))
    assert main(["mnist", "--epochs", "1", "--worst", "0"]) == 0
    out = capsys.readouterr().out
    assert (
        f"data: MNIST IDX files in {tmp_path}" in out
        and "accuracy" in out
        and "on 20 digits" in out
    )


def test_cli_env_var_and_bad_input(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BACKPROP_TUTOR_MNIST", str(tmp_path / "nowhere"))
    assert main(["mnist", "--epochs", "1"]) == 2
    assert "nowhere: not a folder" in capsys.readouterr().err
    monkeypatch.delenv("BACKPROP_TUTOR_MNIST")
    assert main(["mnist", "--epochs", "1", "--sample", "1000"]) == 2
    assert "--sample 1000: expected 0 to 999" in capsys.readouterr().err
    # --dropout 0 and --batch-size 0 are refused by the parser: tests/test_cli_ranges.py
    assert main(["mnist", "--export", str(tmp_path / "no" / "x.json")]) == 2
    assert "its folder does not exist" in capsys.readouterr().err
    assert main(["mnist", "--export", str(tmp_path)]) == 2  # refused before training
    assert "is a folder; expected a file name" in capsys.readouterr().err


def test_mnist_code_imports_neither_textual_nor_sympy():
    code = (
        "import sys, tutor.cli.mnist_cmd, tutor.mnist.traced_sample, tutor.mnist.evaluate, "
        "tutor.experiments.mnist; print('textual' in sys.modules, 'sympy' in sys.modules)"
    )
    done = forked_probe.run(code, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_cli_end_to_end_on_a_full_size_idx_set(tmp_path, capsys, monkeypatch):
    """60,000 + 10,000 digits (the shipped 5,000 tiled) as IDX .gz files: the `--data` path."""
    images, labels = load_subset()
    order = np.random.default_rng(0).permutation(len(labels))  # not sorted by digit
    images, labels = images[order], labels[order]
    # The files write_idx_folder would write for 12 and 2 tiles (gz_test=True), each tile
    # compressed once (the test below checks that they are the same bytes once inflated).
    write_tiled_idx_folder(tmp_path, images, labels, train_copies=12, test_copies=2)
    monkeypatch.setenv("BACKPROP_TUTOR_MNIST", str(tmp_path / "not-used"))  # --data wins
    out_file = tmp_path / "run.json"
    code = main(
        ["mnist", "--data", str(tmp_path), "--epochs", "1", "--threads", "1"]
        + ["--export", str(out_file)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"data: MNIST IDX files in {tmp_path}" in out and "training: 1 epoch," in out
    doc = json.loads(out_file.read_text())
    assert np.array(doc["confusion"]).sum() == 10_000 and len(doc["loss_curve"]) == 1
    # Images and labels stayed paired: one epoch over 12 copies of the digits learns them.
    assert doc["accuracy"] > 0.9


def test_the_tiled_idx_files_inflate_to_the_tiles_idx_files(tmp_path):
    images, labels = load_subset()
    images, labels = images[:40], labels[:40]
    write_tiled_idx_folder(tmp_path, images, labels, train_copies=3, test_copies=2)
    for prefix, copies in (("train", 3), ("t10k", 2)):
        for name, data in (
            (f"{prefix}-images-idx3-ubyte", idx_images(np.tile(images, (copies, 1)))),
            (f"{prefix}-labels-idx1-ubyte", idx_labels(np.tile(labels, copies))),
        ):
            packed = (tmp_path / f"{name}.gz").read_bytes()
            assert gzip.decompress(packed) == data
            assert _gzip_members(packed) == 1


def _gzip_members(packed: bytes) -> int:
    """How many gzip members `packed` holds (MNIST's files hold one)."""
    members = 0
    while packed:
        inflate = zlib.decompressobj(wbits=31)
        inflate.decompress(packed)
        assert inflate.eof
        packed = inflate.unused_data
        members += 1
    return members


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_cli_draws_a_progress_bar_on_a_terminal_only(monkeypatch, capsys):
    monkeypatch.delenv("BACKPROP_TUTOR_MNIST", raising=False)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["mnist", "--epochs", "2", "--worst", "0"]) == 0
    drawn = terminal.getvalue()
    # 4,000 digits in batches of 128: 32 a epoch; the bar ends full, on its own line.
    last = drawn.rsplit("\r", 1)[-1]
    assert drawn.startswith("\rtraining ") and drawn.count("\r") >= 2
    assert last.startswith("training " + "█" * 30 + " 64/64  loss ") and last.endswith("\n")
    assert "test set: accuracy" in capsys.readouterr().out
