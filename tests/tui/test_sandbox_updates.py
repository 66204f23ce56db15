"""A sandbox run is shown at most UPDATES_PER_SECOND times a second, every step on its curve."""

from __future__ import annotations

import itertools

import numpy as np

import tutor.tui.screens.sandbox as sandbox_screen
from tests.tui.snapshot_app import make_sandbox_app
from tutor.engine import TrainConfig, train
from tutor.tui.screens.sandbox import SandboxScreen


async def test_a_run_posts_merged_chunks_and_the_curve_keeps_every_step(private_data, monkeypatch):
    """The clock decides, not the machine's speed: standing still, a 10-step run (10 chunks
    of 1) shows its first chunk and then the rest at once; ticking a second per look (more than
    the gap), every chunk. Either way the curve is the engine's loss at every step and the
    weights are the engine's."""
    posts: list[int] = []
    shown = SandboxScreen.on_train_chunk

    def counted(self, message):
        posts.append(len(message.losses))
        shown(self, message)

    monkeypatch.setattr(SandboxScreen, "on_train_chunk", counted)
    async with make_sandbox_app("xor", private_data).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, SandboxScreen)
        start = screen.state
        screen.steps_n = 10
        for clock, expected in (
            (itertools.repeat(0.0), [1, 9]),
            (itertools.count(0.0, 1.0), [1] * 10),
        ):
            monkeypatch.setattr(sandbox_screen, "monotonic", clock.__next__)
            posts.clear()
            await pilot.press("t")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert posts == expected
            assert not screen.training and screen.remaining == 0
        assert screen.steps_done == 20
        net, data = start.network.copy(), start.data()
        history = train(net, data.X, data.T, start.loss, TrainConfig(2.0, epochs=20))
        assert [e for _, e in screen.curve][:-1] == history.losses
        for a, b in zip(net.layers, screen.state.network.layers):
            assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
