"""The updated-weights variant of an answer key, for naming that mistake when grading.

An answer key is a trace (JSON): it holds the network's given values (inputs, targets, weights,
biases, η) and its sizes, activations and loss in `meta`, but not the variant's values. The
network is rebuilt from those, traced again, and used only when that trace is the key, value for
value (bit for bit): then its updated-weights variant (the backward pass through w+, the slides'
slip) is the wrong value a student who made that slip types. A key that cannot be rebuilt
(a batch, a name the engine does not give) grades without that diagnosis, never with a guess.
"""

from __future__ import annotations

import numpy as np

from tutor.engine.trace import Trace


def updated_weights_variant(key: Trace) -> Trace | None:
    """The key's step traced through the updated weights, when the key can be rebuilt exactly."""
    example = _rebuild(key)
    if example is None or len(example.network.sizes) < 3:
        return None  # no hidden layer: the variant equals the exact step
    from tutor.engine.variants import trace_example_step

    try:
        exact, _ = trace_example_step(example)
        if exact.as_dict() != key.as_dict():
            return None
        variant, _ = trace_example_step(example, "updated-weights")
    except (ValueError, KeyError):
        return None
    return variant


def _rebuild(key: Trace):
    """The single-sample Example whose trace the key should be, or None."""
    from tutor.engine.examples import Example
    from tutor.engine.losses import get_loss
    from tutor.engine.naming import bias_names, neuron_names, target_names, weight_names
    from tutor.engine.network import Network, dense

    meta = key.meta
    sizes, activations = meta.get("sizes"), meta.get("activations")
    if not sizes or not activations or len(activations) != len(sizes) - 1:
        return None
    try:
        values = key.as_dict()
        x = [values[n] for n in neuron_names(sizes)[0]]
        target = [values[n] for n in target_names(sizes)]
        mode = next(
            (m for m in ("layer", "neuron") if bias_names(sizes, m)[0][0] in values), "none"
        )
        biases = bias_names(sizes, mode)
        layers = []
        for k, grid in enumerate(weight_names(sizes)):
            W = np.array([[values[name] for name in row] for row in grid])
            b = [values[n] for n in biases[k]]
            trained = all(f"{n}+" in values for n in biases[k])
            bias = b[0] if mode == "layer" else (b if mode == "neuron" else None)
            layers.append(dense(W, bias, activations[k], bias_mode=mode, train_bias=trained))
        return Example(
            str(meta.get("example", "key")),  # the key's name: the variant is of its network
            key.title,
            Network(layers),
            np.array(x),
            np.array(target),
            get_loss(meta["loss"]),
            float(meta["learning_rate"]),
            "answer key",
        )
    except (KeyError, ValueError, TypeError, IndexError):
        return None
