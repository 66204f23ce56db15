"""The built-in examples (seeds 000-004, MNIST) and the traced batch step.

Initial weights are checked against the seeds' own code written out with NumPy's legacy
generator (an independent reference, not the experiments' helpers); batch gradients against
central finite differences; the traced batch update against the engine's fast batch step,
bit for bit.
"""

from functools import cache

import numpy as np
import pytest

from tutor.cli import main
from tutor.engine import Init, apply_update, build, get_loss
from tutor.engine.batch import parameter_names, traced_batch_step
from tutor.engine.variants import trace_example_step
from tutor.experiments.builtin_examples import EXAMPLES, get_example, resolve

TRACEABLE = ["mazur", "xor-221", "xor-221@sigmoid", "encoder-838", "two-hidden", "deep-xor"]
BATCHES = ["xor-221", "xor-221@sigmoid", "two-hidden", "deep-xor"]

@cache
def _traced(reference: str):
    """`trace_example_step(*resolve(reference))`: (the trace, the updated network), traced once
    for the module (two-hidden's and deep-xor's ~1,800 values each were traced by five tests).
    The tests read them and change neither."""
    return trace_example_step(*resolve(reference))


def _arrays(net):
    """name → (array, index) for every parameter, in the lesson's names."""
    where = {}
    for layer, names in zip(net.layers, parameter_names(net)):
        for m, name in enumerate(names):
            if m < layer.W.size:
                j, i = divmod(m, layer.fan_in)
                where[name] = (layer.W, (i, j))
            else:
                where[name] = (layer.b, (m - layer.W.size,))
    return where


def _central_difference(net, X, T, loss, name, h=1e-6):
    array, index = _arrays(net)[name]
    old = array[index]
    array[index] = old + h
    up = loss.value(net.forward(X), T)
    array[index] = old - h
    down = loss.value(net.forward(X), T)
    array[index] = old
    return (up - down) / (2 * h)


def test_xor_221_starts_at_the_handouts_seeded_weights():
    rng = np.random.RandomState(42)  # np.random.seed(42)
    W1 = rng.randn(2, 2) * 0.1
    W2 = rng.randn(2, 1) * 0.1
    for reference in ("xor-221", "xor-221@relu", "xor-221@sigmoid"):
        ex, _ = resolve(reference)
        assert np.array_equal(ex.network.layers[0].W, W1)
        assert np.array_equal(ex.network.layers[1].W, W2)
        assert not ex.network.layers[0].b.any() and not ex.network.layers[1].b.any()
    assert resolve("xor-221@sigmoid")[0].network.layers[0].activation.name == "sigmoid"
    assert get_example("xor-221").network.layers[0].activation.name == "relu"


@pytest.mark.parametrize("reference", ["xor-221", "xor-221@sigmoid"])
def test_xor_221_first_loss_is_the_handouts_printed_one(reference):
    trace, _ = trace_example_step(*resolve(reference))
    assert f"{trace.value('E_total'):.4f}" == "0.6932"  # both columns of Exercise 2, epoch 0


def test_encoder_838_is_the_notebooks_second_draw():
    rng = np.random.RandomState(42)
    for _ in range(2):  # Layer.__init__ draws, then NN.__init__ draws again
        W1 = rng.randn(8, 3) * np.sqrt(1 / 8)
        W2 = rng.randn(3, 8) * np.sqrt(1 / 3)
    ex = get_example("encoder-838")
    assert np.array_equal(ex.network.layers[0].W, W1)
    assert np.array_equal(ex.network.layers[1].W, W2)
    assert not ex.is_batch and np.array_equal(ex.x, np.eye(8)[0])


def test_two_hidden_is_the_reports_seed_0_and_easy_xor():
    rng = np.random.RandomState(0)
    weights = [rng.rand(2, 3), rng.rand(3, 3), rng.rand(3, 1)]
    ex = get_example("two-hidden")
    for layer, W in zip(ex.network.layers, weights):
        assert np.array_equal(layer.W, W) and layer.bias_mode == "none"
    assert ex.x.shape == (21, 2) and ex.loss.reduction == "sum"
    assert ex.target[:, 0].tolist() == [0, 1] * 5 + [0] + [0, 1] * 5


def test_deep_xor_is_he_seed_42_and_500_copies_give_the_same_mean_gradient():
    rng = np.random.RandomState(42)
    ex = get_example("deep-xor")
    for layer, (n_in, n_out) in zip(ex.network.layers, [(2, 8), (8, 8), (8, 2)]):
        assert np.array_equal(layer.W, rng.randn(n_in, n_out) * np.sqrt(2 / n_in))
    _, four = ex.network.gradients(ex.x, ex.target, ex.loss)
    stacked_x, stacked_t = np.tile(ex.x, (500, 1)), np.tile(ex.target, (500, 1))
    _, stacked = ex.network.gradients(stacked_x, stacked_t, ex.loss)
    for a, b in zip(four.dW + four.db, stacked.dW + stacked.db):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-15)
    assert "500" in ex.note and "same mean gradient" in ex.note


def test_mnist_digit_is_784_128_10_on_a_shipped_digit():
    ex = get_example("mnist-digit")
    assert ex.network.sizes == [784, 128, 10]
    assert ex.x.shape == (784,) and ex.target.sum() == 1.0
    assert 0.0 <= ex.x.min() and ex.x.max() <= 1.0


@pytest.mark.parametrize("reference", TRACEABLE)
def test_every_example_traces_and_its_gradients_match_finite_differences(reference):
    ex, _ = resolve(reference)
    trace, _ = _traced(reference)
    X, T = np.atleast_2d(ex.x), np.atleast_2d(ex.target)
    relu = any(layer.activation.name == "relu" for layer in ex.network.layers)
    for name in [n for layer in parameter_names(ex.network) for n in layer]:
        if relu and name.startswith("b_h"):
            continue  # at the input [0, 0] these sit on ReLU's kink: no derivative to compare
        numeric = _central_difference(ex.network, X, T, ex.loss, name)
        assert trace.value(f"dE_total/d{name}") == pytest.approx(numeric, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("reference", BATCHES)
def test_per_sample_gradients_match_finite_differences_of_that_samples_loss(reference):
    ex, _ = resolve(reference)
    trace, _ = _traced(reference)
    names = [n for layer in parameter_names(ex.network) for n in layer]
    for s in range(1, min(ex.n_samples, 4)):  # sample 0 is [0, 0]: ReLU's kink
        X, T = ex.x[s : s + 1], ex.target[s : s + 1]
        for name in names:
            numeric = _central_difference(ex.network, X, T, ex.loss, name)
            value = trace.value(f"dE_total/d{name}[{s}]")
            assert value == pytest.approx(numeric, rel=1e-5, abs=1e-8), (s, name)


@pytest.mark.parametrize("reference", BATCHES)
def test_batch_gradient_is_the_sum_or_mean_shown(reference):
    ex, _ = resolve(reference)
    trace, _ = _traced(reference)
    scale = 1 / ex.n_samples if ex.loss.reduction == "mean" else 1.0
    for name in [n for layer in parameter_names(ex.network) for n in layer]:
        parts = trace[f"dE_total/d{name}"].inputs
        assert parts == tuple(f"dE_total/d{name}[{s}]" for s in range(ex.n_samples))
        shown = scale * sum(trace.value(p) for p in parts)
        assert trace.value(f"dE_total/d{name}") == pytest.approx(shown, rel=1e-12, abs=1e-17)
    errors = [trace.value(f"E_total[{s}]") for s in range(ex.n_samples)]
    assert trace.value("E_total") == pytest.approx(scale * sum(errors), rel=1e-14)
    assert trace.value("E_total") == pytest.approx(
        ex.loss.value(ex.network.forward(ex.x), ex.target)
    )


def _random_batch(seed, sizes, acts, loss_name, reduction):
    rng = np.random.RandomState(seed)
    net = build(sizes, acts, Init("normal", 0.8), rng=rng)
    for layer in net.layers:
        layer.b[:] = rng.randn(*layer.b.shape) * 0.3
    X = rng.randn(6, sizes[0])
    if acts[-1] == "softmax":
        T = np.eye(sizes[-1])[rng.randint(0, sizes[-1], 6)]
    elif loss_name == "bce":
        T = rng.rand(6, sizes[-1])
    else:
        T = rng.randn(6, sizes[-1])
    return net, X, T, get_loss(loss_name, reduction)


CASES = [
    (1, [2, 3, 2], ["tanh", "sigmoid"], "half_sse", "sum"),
    (2, [3, 4, 2], ["relu", "softmax"], "cross_entropy", "mean"),
    (3, [2, 3, 3, 1], ["sigmoid", "leaky_relu", "sigmoid"], "bce", "sum"),
    (4, [2, 2, 3], ["sigmoid", "identity"], "mse", "mean"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[3] + "-" + c[4] for c in CASES])
def test_traced_batch_step_updates_like_the_fast_step_bit_for_bit(case):
    net, X, T, loss = _random_batch(*case)
    _, traced = traced_batch_step(net, X, T, loss, 0.3)
    fast = net.copy()
    _, grads = fast.gradients(X, T, loss)
    apply_update(fast, grads, 0.3)
    for a, b in zip(traced.layers, fast.layers):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    numeric = _central_difference(net, X, T, loss, "w1")
    trace, _ = traced_batch_step(net, X, T, loss, 0.3)
    assert trace.value("dE_total/dw1") == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("reference", BATCHES)
def test_builtin_batch_updates_like_the_fast_step_bit_for_bit(reference):
    ex, _ = resolve(reference)
    trace, traced = _traced(reference)
    fast = ex.network.copy()
    _, grads = fast.gradients(ex.x, ex.target, ex.loss)
    apply_update(fast, grads, ex.learning_rate)
    for a, b in zip(traced.layers, fast.layers):
        assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    assert traced.layers[0].W[0, 0] == trace.value("w1+")  # the update lines are the network's


def test_one_sample_of_a_batch_has_the_batch_traces_values():
    ex, _ = resolve("two-hidden")
    batch, _ = _traced("two-hidden")
    one, _ = trace_example_step(ex, sample=7)
    assert one.meta["sample"] == 7 and "E_total" not in one and "w1+" not in one
    for v in one:
        assert batch.value(v.name) == v.value
    assert "net_h1_1[7]" in one and "net_h1_1[6]" not in one


def test_trace_list_names_every_example_on_one_line(capsys):
    assert main(["trace", "--list"]) == 0
    out = capsys.readouterr().out
    for name, builtin in EXAMPLES.items():
        assert f"{name}  " in out and builtin.summary in out
    assert "over its 4 rows; @relu @sigmoid" in out
    assert len(out.splitlines()) == len(EXAMPLES) + 1 and max(map(len, out.splitlines())) <= 80


@pytest.mark.parametrize(
    "argv, message",
    [
        (["mazur@sigmoid"], "unknown variant 'sigmoid' for mazur; known variants: seed-001, "),
        (["mazur", "--sample", "0"], "--sample: mazur is one sample, not a batch"),
        (["xor-221", "--sample", "4"], "--sample: expected 0 to 3 (the batch has 4 samples)"),
        (["xor-221@updated-weights"], "it applies to a one-sample step only"),
        (["xor-221@relu", "--variant", "sigmoid"], "names the variant 'relu', and --variant"),
    ],
)
def test_bad_examples_and_samples_are_one_line(capsys, argv, message):
    assert main(["trace", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err
    assert captured.err.count("\n") == 1


def test_mnist_digit_is_too_large_to_trace_value_by_value():
    from tutor.engine.variants import PER_VALUE_LIMIT, TooLargeToTrace

    ex, _ = resolve("mnist-digit")
    with pytest.raises(TooLargeToTrace, match=f"above the per-value limit of {PER_VALUE_LIMIT}"):
        trace_example_step(ex)


def test_check_on_a_batch_sums_the_samples_symbolic_gradients(capsys):
    assert main(["check", "xor-221@sigmoid"]) == 0  # sigmoid hidden units: no kink
    out = capsys.readouterr().out
    assert "all 9 gradients agree within 1e-06" in out and "symbolic column" not in out
    assert main(["check", "two-hidden"]) == 0  # a SUM over 21 samples
    assert "all 18 gradients agree" in capsys.readouterr().out


def test_symbolic_forms_of_a_batch_are_per_sample(capsys):
    import json

    assert main(["trace", "xor-221", "--symbolic", "--format", "json"]) == 0
    values = {v["name"]: v for v in json.loads(capsys.readouterr().out)["values"]}
    assert values["net_h1[3]"]["symbolic"]["unicode"] == "b_h1 + i1·w1 + i2·w2"
    assert "symbolic" not in values["E_total"]  # the batch's mean, not one sample's E_o1
    assert "symbolic" not in values["dE_total/dw5"]
