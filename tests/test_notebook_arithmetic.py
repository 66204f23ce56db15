"""Why two course notebooks train with their own loops (experiments/notebooks), not the engine.

Each test runs the notebook module and the engine (`tutor.engine.training.train`) on the same
configuration, from the same weights, and asserts both sides of the reason: what the notebook's
arithmetic gives, and that the engine's does not give it.
"""

import numpy as np

from benchmarks.repro_b import notebook_001
from tutor.engine import get_loss
from tutor.engine.activations import sigmoid as engine_sigmoid
from tutor.engine.training import TrainConfig, train
from tutor.experiments import encoder_838 as enc
from tutor.experiments import two_hidden as th
from tutor.experiments.notebooks.encoder_838_notebook import train_online
from tutor.experiments.notebooks.two_hidden_lab import train_report


def _report_sigmoid(z: np.ndarray) -> np.ndarray:
    """Both notebooks' σ as printed: f(x) = 1/(1 + np.exp(-x))."""
    return 1 / (1 + np.exp(-z))


def _engine_stop(net, x, y, lr: float, epochs: int) -> int | None:
    """The engine's full-batch BCE-sum run, stopped as the report stops (first 100 % epoch)."""
    stop: dict[str, int] = {}

    def on_epoch(epoch, _loss, trained):
        # Called after epoch's update: its forward pass is the next epoch's.
        if stop:
            return False
        if np.mean(np.round(trained.forward(x)) == y) == 1.0:
            stop["epoch"] = epoch + 1
        return None

    train(net, x, y.astype(float), get_loss("bce", "sum"), TrainConfig(lr, epochs), on_epoch)
    return stop.get("epoch")


# --- seed 002's lab report ---------------------------------------------------------------------
def test_the_reports_divide_by_zero_happens_in_its_loop_and_cannot_in_the_engine():
    """Lesson 6's 'divide-by-zero' step: linear data, h = 5, seed 4, NaN by epoch 2600.

    The report's unclipped BCE meets ŷ = 1.0 exactly: loss NaN, gradient 0/0, every weight NaN,
    so the table's 50000 for that cell is a crash. The engine clips ŷ to [1e−12, 1 − 1e−12]
    (the fix the tutor teaches): the same run stays finite, so it cannot show the crash.
    """
    values = th.SWEEP_UNITS_LINEAR[0]
    cells = dict(
        zip(((v, s) for s in th.SEEDS for v in values), th.sweep_calls("linear", "h", values))
    )
    lr, h, seed, previous = cells[(5, 4)]
    assert th.SWEEP_UNITS_LINEAR[1][4][values.index(5)] == 50000  # the printed cell
    net, x, y = th.sweep_setup("linear", h, seed, previous)
    report = train_report([(net.copy(), x, y)], [lr], 2600)[0]
    assert report.nan_epoch == 2600 and not report.reached
    assert all(np.isnan(layer.W).all() for layer in report.network.layers)
    with np.errstate(all="ignore"):
        history = train(net, x, y.astype(float), get_loss("bce", "sum"), TrainConfig(lr, 2600))
    assert np.isfinite(history.losses).all()
    assert all(np.isfinite(layer.W).all() for layer in net.layers)


def test_the_engines_sigmoid_rounds_otherwise_for_negative_z_and_a_chaotic_run_hears_it():
    """The report's σ is 1/(1 + e^−z) everywhere; the engine's is e^z/(1 + e^z) for z < 0.

    On the net inputs of a report run they differ in the last bit for some z < 0 (and agree for
    z ≥ 0); the XOR runs of the sweep tables are chaotic, and the two loops stop them at
    different epochs (here 1769 against the engine's 1768 for the printed 1769, 3363 against
    3356 for the printed 3354).
    """
    net, x, y = th.setup("linear", 2, 2, 0)
    trained = train_report([(net, x, y)], [0.01], 600)[0].network
    z = x @ trained.layers[0].W
    negative, positive = z[z < 0], z[z >= 0]
    assert negative.size and positive.size
    assert np.array_equal(engine_sigmoid(positive), _report_sigmoid(positive))
    assert not np.array_equal(engine_sigmoid(negative), _report_sigmoid(negative))

    # XOR, h = 3, seed 0 at lr 0.1 and 0.05, seed 3 at lr 0.1 (printed 1769, 3354, 1223):
    # chaotic runs (accuracy jumps 0.52 ↔ 0.86) that amplify a last-bit difference.
    cells = [(0, 0.1), (0, 0.05), (3, 0.1)]
    setups = [th.setup("XOR", 3, 3, seed) for seed, _ in cells]
    runs = train_report([(n.copy(), x, y) for n, x, y in setups], [lr for _, lr in cells], 5000)
    assert all(run.reached for run in runs)
    with np.errstate(all="ignore"):
        engine = [_engine_stop(n, x, y, lr, 5000) for (n, x, y), (_, lr) in zip(setups, cells)]
    assert [run.epochs for run in runs] != engine, "the engine's runs are the report's: drop it?"


# --- seed 001's notebook -----------------------------------------------------------------------
def test_the_encoder_module_is_the_notebooks_cells_bit_for_bit():
    """train_online equals a line-by-line transcription of cells [16]-[18], every bit."""
    history, weights = notebook_001(12)
    net = enc.notebook_networks(enc.QUIRK, np.random.RandomState(42))
    ours = train_online(net, enc.X, 0.2, 12)
    assert ours == [float(v) for v in history]
    for layer, w in zip(net.layers, weights):
        np.testing.assert_array_equal(layer.W, w)


def test_the_engines_online_run_is_not_the_notebooks_arithmetic():
    """The engine's online loop (½Σe², same gradient e) drifts from the notebook's in the last bits.

    Its σ differs for z < 0 (the encoder's off-diagonal outputs) and it adds an epoch's losses
    in order where np.mean adds them pairwise. Both stay within 1e-12 of each other here: the
    engine is right, just not the notebook's arithmetic, whose bits the lesson shows.
    """
    notebook = enc.notebook_networks(enc.QUIRK, np.random.RandomState(42))
    engine = notebook.copy()
    z = enc.X @ notebook.layers[0].W + notebook.layers[0].b
    out = (_report_sigmoid(z) @ notebook.layers[1].W) + notebook.layers[1].b
    assert not np.array_equal(engine_sigmoid(out[out < 0]), _report_sigmoid(out[out < 0]))

    ours = train_online(notebook, enc.X, 0.2, 30)
    config = TrainConfig(0.2, 30, rule="online", shuffle=False)
    theirs = train(engine, enc.X, enc.X, get_loss("half_sse"), config).losses
    as_printed = [2.0 * loss / 8 for loss in theirs]  # ½Σe² summed over 8 → mean Σe², exactly
    np.testing.assert_allclose(as_printed, ours, rtol=1e-12)
    assert as_printed != ours
    assert not all(np.array_equal(a.W, b.W) for a, b in zip(notebook.layers, engine.layers)), (
        "the engine's online run is the notebook's bit for bit: drop the module?"
    )


def test_the_encoders_one_hot_loop_is_the_general_loop_bit_for_bit():
    """The 25-call loop for two σ layers and one-hot inputs changes no bit of any number."""
    from tutor.experiments.notebooks import encoder_838_notebook as notebook

    for activation in (enc.QUIRK, enc.CORRECT):
        lean = enc.notebook_networks(activation, np.random.RandomState(42))
        general = lean.copy()
        assert notebook._one_hot_sigmoid_pair(lean, enc.X)
        ours = notebook._train_encoder(lean, enc.X, 0.2, 40, None, 0, 40)
        theirs = notebook._train_any(general, enc.X, 0.2, 40, None, 0, 40)
        assert ours == theirs
        for a, b in zip(lean.layers, general.layers):
            np.testing.assert_array_equal(a.W, b.W)
            np.testing.assert_array_equal(a.b, b.b)
