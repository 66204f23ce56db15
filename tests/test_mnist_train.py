"""MNIST training: gradients vs finite differences (dropout masks fixed, L2), dropout off at
inference, reproducibility, divergence, and real learning on the shipped subset."""

from __future__ import annotations

import numpy as np
import pytest

from tests.mnist_helpers import one_blas_thread  # noqa: F401  (autouse)
from tutor.engine.losses import CROSS_ENTROPY
from tutor.engine.network import Cache
from tutor.engine.training import TrainingDiverged
from tutor.experiments.registry import run_experiment
from tutor.mnist.blas import blas_threads
from tutor.mnist.evaluate import evaluate
from tutor.mnist.subset import load_subset, subset_dataset
from tutor.mnist.train import MnistConfig, build_mnist_network, fit, one_hot, to_inputs


@pytest.fixture(scope="module")
def subset():
    return subset_dataset()


def _objective(net, Xb, Tb, l2, seed):
    """CE with the dropout masks that a fresh rng(seed) draws, plus (λ/2)·Σ‖W‖²."""
    out = net.forward(Xb, Cache(), np.random.default_rng(seed))
    return CROSS_ENTROPY.value(out, Tb) + 0.5 * l2 * sum(np.sum(lay.W**2) for lay in net.layers)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_sgd_step_matches_finite_differences_with_dropout_and_l2(activation):
    images, labels = load_subset()
    pick = [0, 700, 1900, 4321]  # digits 0, 1, 3, 8
    X, T = to_inputs(images[pick], np.float64), one_hot(labels[pick], np.float64)
    l2, seed = 0.01, 3
    config = MnistConfig(
        activation=activation,
        keep_prob=0.7,
        l2=l2,
        learning_rate=1.0,
        batch_size=4,
        epochs=1,
        seed=seed,
        dtype="float64",
    )
    net = build_mnist_network(config)
    before = net.copy()
    fit(net, X, T, config)  # one step: n = batch size; lr = 1 so Δθ = −gradient
    # The step saw the batch in its shuffled order and the dropout rng seeded seed + 1.
    order = np.random.default_rng(seed).permutation(4)
    Xb, Tb = X[order], T[order]
    rng = np.random.default_rng(0)
    eps = 1e-6
    checked = 0
    for k, (old, new) in enumerate(zip(before.layers, net.layers)):
        for name in ("W", "b"):
            theta = getattr(before.layers[k], name)
            g_step = getattr(old, name) - getattr(new, name)
            flat = np.abs(g_step).ravel()
            # The largest gradients, and some random entries (many are exactly zero).
            idx = np.unique(np.r_[np.argsort(-flat)[:8], rng.integers(0, flat.size, 6)])
            for i in idx:
                j = np.unravel_index(i, theta.shape)
                saved = theta[j]
                theta[j] = saved + eps
                up = _objective(before, Xb, Tb, l2, seed + 1)
                theta[j] = saved - eps
                down = _objective(before, Xb, Tb, l2, seed + 1)
                theta[j] = saved
                fd = (up - down) / (2 * eps)
                assert g_step[j] == pytest.approx(fd, rel=1e-5, abs=1e-9), (k, name, j)
                checked += 1
    assert checked >= 40
    # Dropout really was on in that step: without masks the gradient differs.
    cache = Cache()
    before.forward(Xb, cache)
    plain = before.backward(cache, Tb, CROSS_ENTROPY)
    g_W2 = before.layers[1].W - net.layers[1].W
    assert not np.allclose(plain.dW[1] + l2 * before.layers[1].W, g_W2)


def test_dropout_is_off_at_inference(subset):
    config = MnistConfig(keep_prob=0.7, epochs=1, seed=1)
    net = build_mnist_network(config)
    X = to_inputs(subset.X_test[:50])
    first, second = net.predict(X), net.predict(X)
    assert np.array_equal(first, second)
    no_dropout = net.copy()
    for layer in no_dropout.layers:
        layer.keep_prob = 1.0
    assert np.array_equal(first, no_dropout.predict(X))
    # …while in training (a dropout rng given) units are dropped and outputs change.
    assert not np.allclose(first, net.forward(X, Cache(), np.random.default_rng(0)))


def test_training_is_reproducible_and_learns(subset):
    config = MnistConfig(keep_prob=0.7, learning_rate=0.2, epochs=3, seed=5)
    X, T = to_inputs(subset.X_train), one_hot(subset.y_train)
    nets = [build_mnist_network(config) for _ in range(2)]
    chance = evaluate(nets[0], subset.X_test, subset.y_test).accuracy
    with blas_threads(1):
        histories = [fit(net, X, T, config) for net in nets]
    for a, b in zip(nets[0].layers, nets[1].layers):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    assert histories[0].losses == histories[1].losses
    assert histories[0].losses[-1] < histories[0].losses[0]
    trained = evaluate(nets[0], subset.X_test, subset.y_test)
    assert chance < 0.25 and trained.accuracy > 0.8
    assert trained.confusion.sum() == 1000 and trained.counts == [100] * 10


def test_learning_rate_decay_schedule(subset):
    config = MnistConfig(epochs=3, learning_rate=0.1, lr_decay=0.5)
    history = fit(
        build_mnist_network(config), to_inputs(subset.X_test), one_hot(subset.y_test), config
    )
    assert history.learning_rates == [0.1, 0.05, 0.025]


def test_divergence_names_epoch_and_layer(subset):
    config = MnistConfig(learning_rate=1e30, epochs=3, keep_prob=1.0)
    with pytest.raises(TrainingDiverged) as error:
        fit(build_mnist_network(config), to_inputs(subset.X_test), one_hot(subset.y_test), config)
    assert error.value.epoch == 1 and error.value.layer in (1, 2)
    assert str(error.value).startswith("training diverged at epoch 1: non-finite")


def test_mnist_experiment_reaches_90_percent_held_out():
    result = run_experiment("mnist")
    assert result["accuracy"] >= 0.90
    assert len(result["loss_curve"]) == len(result["loss_epochs"]) == 30
    assert result["loss_curve"][-1] < 0.5 * result["loss_curve"][0]
    tables = result["tables"]
    assert [row[0] for row in tables["per_class"]["rows"]] == list(range(10))
    assert [row[3].strip() for row in tables["per_class"]["rows"]] == [
        f"{row[2] / row[1]:.1%}" for row in tables["per_class"]["rows"]
    ]
    assert sum(sum(row[1:]) for row in tables["confusion"]["rows"]) == 1000
    correct = sum(tables["confusion"]["rows"][k][k + 1] for k in range(10))
    assert correct / 1000 == pytest.approx(result["accuracy"])
    assert "Held-out accuracy" in result["summary"]


def test_experiment_can_be_cancelled():
    from tutor.experiments.registry import Cancelled, get_experiment

    calls = []

    def progress(done, total, loss):
        calls.append((done, total))
        return False

    with pytest.raises(Cancelled):
        get_experiment("mnist").func(progress=progress)
    assert calls == [(8, 32 * 30)]


@pytest.mark.parametrize("l2", [0.0, 1e-3])
def test_in_place_update_equals_the_engine_update(subset, monkeypatch, l2):
    import tutor.mnist.train as train_module
    from tutor.engine.training import apply_update

    X, T = to_inputs(subset.X_train[:512]), one_hot(subset.y_train[:512])
    config = MnistConfig(epochs=2, l2=l2, keep_prob=0.8)
    fast = build_mnist_network(config)
    fit(fast, X, T, config)
    monkeypatch.setattr(train_module, "_update_in_place", apply_update)
    reference = build_mnist_network(config)
    fit(reference, X, T, config)
    for a, b in zip(fast.layers, reference.layers):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)


def test_benchmark_runs_and_says_so_without_pytorch():
    """bench_mnist.py with `import torch` failing: ours and bare timed, torch named as missing.

    The weights are compared on the script's 20-batch warm-up; the timed epoch runs over the
    warm-up's 2,560 digits (`--digits`), not 60,000: the test checks that it runs and says so.
    The script runs as `python -c` runs it, in a process forked from tests/forked_probe.py's
    interpreter (NumPy, which the script imports first, already loaded; torch is not)."""
    from pathlib import Path

    from tests import forked_probe

    bench = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_mnist.py"
    code = (
        "import runpy, sys\n"
        "sys.modules['torch'] = None  # `import torch` raises ImportError, as if not installed\n"
        "sys.argv = ['bench_mnist.py', '--repeats', '1', '--digits', '2560']\n"
        f"runpy.run_path({str(bench)!r}, run_name='__main__')\n"
    )
    done = forked_probe.run(code)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "torch not installed" in out and "PyTorch not installed: pip install torch" in out
    assert "max |Δweight| ours vs bare = 0.0e+00" in out  # same weights, bit for bit
    assert "ours/bare = " in out and "ours/torch" not in out


@pytest.mark.parametrize("activation, hidden_gain", [("relu", 2.0), ("sigmoid", 1.0)])
def test_he_for_relu_xavier_for_sigmoid_and_softmax(activation, hidden_gain):
    """Weight spread: √(2/fan_in) (He) for ReLU layers, √(1/fan_in) (Xavier) otherwise."""
    net = build_mnist_network(MnistConfig(hidden=(256,), activation=activation, seed=4))
    W1, W2 = (layer.W for layer in net.layers)
    assert W1.dtype == np.float32 and W1.shape == (784, 256) and W2.shape == (256, 10)
    # 200,704 and 2,560 draws: their standard deviations are within 1 % and 5 % of the target.
    assert W1.std() == pytest.approx(np.sqrt(hidden_gain / 784), rel=0.01)
    assert W2.std() == pytest.approx(np.sqrt(1 / 256), rel=0.05)
    assert net.layers[0].activation.name == activation


def test_evaluation_against_a_plain_count(subset):
    """Accuracy, per-class accuracy, confusion and worst digits, recounted one digit at a time."""
    config = MnistConfig(hidden=(16,), epochs=1, seed=3)
    net = build_mnist_network(config)
    fit(net, to_inputs(subset.X_train[::8]), one_hot(subset.y_train[::8]), config)
    images, labels = subset.X_test[::7], subset.y_test[::7]
    ev = evaluate(net, images, labels, n_worst=4)
    probs = [net.predict(to_inputs(image[None, :]))[0] for image in images]
    confusion = [[0] * 10 for _ in range(10)]
    for p, label in zip(probs, labels):
        confusion[label][int(np.argmax(p))] += 1
    assert ev.confusion.tolist() == confusion
    assert ev.accuracy == pytest.approx(sum(confusion[k][k] for k in range(10)) / len(labels))
    for k in range(10):
        assert ev.per_class[k] == pytest.approx(confusion[k][k] / sum(confusion[k]))
    p_true = sorted((float(p[label]), i) for i, (p, label) in enumerate(zip(probs, labels)))
    assert [w.index for w in ev.worst] == [i for _, i in p_true[:4]]
    assert [w.p_true for w in ev.worst] == pytest.approx([p for p, _ in p_true[:4]], rel=1e-5)
    assert all(w.label == labels[w.index] for w in ev.worst)
