"""The sandbox: change any number or the network's shape, see the whole step recomputed, train it.

Every edit makes a new SandboxState (the engine's), traced exactly as
`trace --network` traces the same file; the screen keeps the states for undo
and redo, and marks every value the last edit changed (yellow, ▲/▼, and the
list old → new). Training runs in a thread worker that posts chunks of steps.
"""

from __future__ import annotations

import math
from time import monotonic

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tutor import sandbox as sb
from tutor.engine.trace import Trace
from tutor.engine.training import TrainingDiverged
from tutor.experiments.sandbox_data import DESCRIPTIONS
from tutor.export.graphfmt import printable
from tutor.tui.fresh_screen import FreshScreen
from tutor.tui.sandbox_messages import TrainChunk, TrainEnded
from tutor.tui.typed_app import tutor_app
from tutor.tui.widgets.boundary import render_boundary
from tutor.tui.widgets.footer import StableFooter
from tutor.tui.widgets.sandbox_network import SandboxNetwork, render_changes
from tutor.tui.widgets.sandbox_plot import SandboxLossPlot

STEP = 0.1  # what + and − add to a value
DEFAULT_STEPS = 100
CHUNKS = 50  # a run trains in this many chunks (a pause lands between two)
# and posts the state after a chunk at most this often (its first and last always): a fast
# run's 50 chunks redrawn one by one kept the screen busy long after training had finished
UPDATES_PER_SECOND = 20
UPDATE_GAP = 1 / UPDATES_PER_SECOND  # seconds
KEYS = """\
Select a value: ← → ↑ ↓ Tab or a click.
Type a number (Enter sets it) or + −.
a x: add/remove a hidden neuron
A X: add/remove a hidden layer
c: activation of the selected layer
e: loss · d: data set · r: row traced
t: train N steps · n: set N
space: pause/resume · s: one step
z: reset · R: random weights (seed)
L: log scale · u U: undo/redo
G: graph · ctrl+s save · ctrl+o load"""
PROMPTS = {
    "value": "new value of {name} (Enter sets it, Esc cancels)",
    "steps": "train how many steps at a time (1 to {max})",
    "seed": "randomise every weight from seed",
    "save": "save the network as (a .toml file)",
    "load": "load a network file",
}


class SandboxScreen(FreshScreen):
    """A network to play with: select a value, type a number, watch every value change; train."""

    CSS_PATH = "../sandbox.tcss"
    AUTO_FOCUS = ""  # keys go to the screen until a prompt opens the input line

    BINDINGS = [
        Binding("right,down,tab", "move(1)", "Next", key_display="→", priority=False),
        Binding("left,up,shift+tab", "move(-1)", "Prev", show=False),
        Binding("plus,equals_sign", "nudge(1)", "+", key_display="+"),
        Binding("minus", "nudge(-1)", "−", key_display="−"),
        Binding("enter", "edit", "Edit", show=False),
        Binding("t", "train", "Train N"),
        Binding("space", "pause", "Pause/resume", show=False),
        Binding("s", "step_one", "Step", show=False),
        Binding("n", "prompt('steps')", "N", show=False),
        Binding("a", "add_neuron", "+Neuron", show=False),
        Binding("x", "remove_neuron", "−Neuron", show=False),
        Binding("A", "add_layer", "+Layer", show=False),
        Binding("X", "remove_layer", "−Layer", show=False),
        Binding("c", "cycle_activation", "Activation", show=False),
        Binding("e", "cycle_loss", "Loss", show=False),
        Binding("d", "cycle_data", "Data", show=False),
        Binding("r", "next_row", "Row", show=False),
        Binding("z", "reset", "Reset", show=False),
        Binding("R", "prompt('seed')", "Randomise", show=False),
        Binding("L", "toggle_log", "Log", show=False),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("U,ctrl+y", "redo", "Redo", show=False),
        Binding("G", "graph", "Graph"),
        Binding("ctrl+s", "prompt('save')", "Save"),
        Binding("ctrl+o", "prompt('load')", "Load", show=False),
        Binding("escape", "escape", "Back", show=False),
        Binding("q", "back", "Back"),
    ]

    def __init__(self, state: sb.SandboxState) -> None:
        super().__init__()
        self.start = state
        self.state = state
        # The trace before the last edit: what changed is marked against it.
        self.old_trace: Trace | None = None
        self.undo_stack: list[sb.SandboxState] = []
        self.redo_stack: list[sb.SandboxState] = []
        names = sb.editable_names(state)
        self.selected = "w5" if "w5" in names else names[0]
        self.steps_n = DEFAULT_STEPS
        self.steps_done = 0
        self.curve: list[tuple[int, float]] = [(0, state.data_loss())]
        self.log_scale = False
        self.training = False
        self.remaining = 0
        self.token = 0
        self.prompt_kind = ""

    def compose(self) -> ComposeResult:
        """Status, network, then what changed | loss curve | decision boundary; input; footer."""
        yield Static("", id="sb-status")
        yield SandboxNetwork(id="sb-network")
        with Horizontal(id="sb-lower"):
            with VerticalScroll(id="sb-changes-pane", can_focus=False):
                yield Static("", id="sb-changes")
            yield SandboxLossPlot(id="sb-loss")
            yield Static("", id="sb-boundary")
        yield Static("", id="sb-message")
        yield Input(id="sb-input", select_on_focus=False)
        yield StableFooter()  # rebuilt only when its keys change

    def on_mount(self) -> None:
        """Draw the first state."""
        self.refresh_all()

    # -- drawing --------------------------------------------------------------------------------

    def refresh_all(self) -> None:
        """Redraw every part from the current state."""
        state = self.state
        trace = state.trace
        self.draw_network()
        changes = render_changes(self.old_trace, trace) if self.old_trace else Text(KEYS)
        self.query_one("#sb-changes", Static).update(changes)
        right, rows = state.accuracy()
        wide = self.size.width >= 110
        title = state.title if len(state.title) <= 40 else state.title[:39] + "…"
        status = Text.assemble(
            ("Sandbox ", "bold"),
            Text(printable(f"{title} ({state.name})" if wide else state.name)),  # data: literal
            f" · data {state.data_label()} · " if wide else f" · {state.data_label(short=True)} · ",
            (f"E {_num(state.data_loss())}", "bold"),
            f" · {right}/{rows} right · step {self.steps_done} · N {self.steps_n}",
            (" · training…" if self.training else ""),
        )
        self.query_one("#sb-status", Static).update(status)
        self.draw_curve()
        self.draw_boundary()

    def draw_network(self) -> None:
        """The network, its values marked against the state before, the selection highlighted."""
        editable = set(sb.editable_names(self.state))
        self.query_one(SandboxNetwork).show(
            self.state.trace,
            self.old_trace,
            self.selected,
            editable,
            show_grads=self.size.width >= 100,
        )

    def draw_curve(self) -> None:
        """The loss against steps (log₁₀ when toggled)."""
        self.query_one(SandboxLossPlot).show(self.curve, self.log_scale)

    def draw_boundary(self) -> None:
        """For 2-D data: out_o1 over the input square, the rows as ● / ○."""
        box = self.query_one("#sb-boundary", Static)
        data = self.state.data()
        box.display = data.two_d
        if data.two_d:
            width = max(12, min(40, self.size.width - 54))
            height = max(4, min(14, self.size.height - 20))
            boundary = self.state.boundary(width, height)
            grid = render_boundary(boundary).split("\n")[:-1]  # without the long legend line
            shaded = "out_o1" if self.state.sizes[-1] == 1 else "out_o2"
            low, high = boundary["x"]
            legend = f"{shaded} ░▒▓█ · ● 1 ○ 0 · {low:.3g}…{high:.3g}"
            if len(legend) > width:  # two lines, so that the map fits beside the curve at 80
                legend = f"{shaded} ░▒▓█ ● 1 ○ 0\nx, y {low:.3g}…{high:.3g}"
            box.update(Text("\n").join([*grid, Text(legend, style="dim")]))

    def say(self, message: str, error: bool = False) -> None:
        """One line under the panes: what happened, or why an edit was refused."""
        self.query_one("#sb-message", Static).update(
            Text(printable(message), style="bold red" if error else "")
        )

    # -- editing --------------------------------------------------------------------------------

    def apply(self, change, what: str) -> bool:
        """Make the state `change(state)` returns the current one (undoable); refuse with reason."""
        if self.training:
            self.say("Pause training first (space).", error=True)
            return False
        try:
            new = change(self.state)
        except (sb.SandboxError, ValueError) as error:
            self.say(str(error), error=True)
            return False
        self.push(new)
        self.say(what)
        return True

    def push(self, new: sb.SandboxState) -> None:
        """Record the current state for undo and show `new`, marking what changed."""
        self.undo_stack.append(self.state)
        del self.undo_stack[: -sb.MAX_HISTORY]
        self.redo_stack.clear()
        self.show_state(new)

    def show_state(self, new: sb.SandboxState) -> None:
        """Show `new` (changes marked against the state before it); the curve starts again."""
        self.old_trace = self.state.trace
        self.state = new
        names = sb.editable_names(new)
        if self.selected not in names:
            self.selected = names[0]
        self.restart_curve()

    def restart_curve(self) -> None:
        """The loss curve starts from the current state, step 0."""
        self.curve = [(0, self.state.data_loss())]
        self.steps_done = 0
        self.refresh_all()

    def select_value(self, name: str) -> None:
        """Select `name` (a click on it)."""
        if name in sb.editable_names(self.state):
            self.selected = name
            self.draw_network()  # the selection is drawn there only

    def action_select_value(self, name: str) -> None:
        """The action behind a click on a value."""
        self.select_value(name)

    def action_move(self, delta: int) -> None:
        """Select the next (or previous) editable value."""
        names = sb.editable_names(self.state)
        index = names.index(self.selected) if self.selected in names else 0
        self.selected = names[(index + delta) % len(names)]
        self.draw_network()  # the selection is drawn there only

    def action_nudge(self, direction: int) -> None:
        """Add or subtract STEP from the selected value."""
        old = sb.value_of(self.state, self.selected)
        new = round(old + direction * STEP, 10)
        self.set_selected(new)

    def set_selected(self, value: float) -> None:
        """Set the selected value to `value`."""
        name = self.selected
        old = sb.value_of(self.state, name)
        self.apply(
            lambda s: sb.set_value(s, name, value),
            f"{name}: {_num(old)} → {_num(value)}; every value recomputed",
        )

    def on_key(self, event: events.Key) -> None:
        """A digit or a point starts typing a new value; keys typed before the box has focus
        go into it (fast typists, pasted keys)."""
        box = self.query_one("#sb-input", Input)
        if self.prompt_kind:
            if self.focused is not box and event.is_printable and event.character:
                event.stop()
                box.insert_text_at_cursor(event.character)
            return
        if event.character is not None and event.character in "0123456789.":
            event.stop()
            self.open_prompt("value", event.character)

    async def action_edit(self) -> None:
        """Type a new value for the selected name (Enter on an open prompt submits it)."""
        if self.prompt_kind:
            await self.query_one("#sb-input", Input).action_submit()
            return
        self.open_prompt("value", "")

    def action_prompt(self, kind: str) -> None:
        """Ask for N, a seed, a file name to save or load."""
        initial = {
            "steps": str(self.steps_n),
            "seed": str(self.state.seed + 1),
            "save": f"{self.state.name}-sandbox.toml",
            "load": "",
        }.get(kind, "")
        self.open_prompt(kind, initial)

    def open_prompt(self, kind: str, initial: str) -> None:
        """Show the input line for `kind`, focused."""
        if self.training and kind != "steps":
            self.say("Pause training first (space).", error=True)
            return
        self.prompt_kind = kind
        box = self.query_one("#sb-input", Input)
        box.placeholder = PROMPTS[kind].format(name=self.selected, max=sb.MAX_STEPS)
        box.value = initial
        self.add_class("-prompting")
        box.focus()
        box.cursor_position = len(initial)
        self.say(box.placeholder)

    def close_prompt(self) -> None:
        """Hide the input line."""
        self.prompt_kind = ""
        self.remove_class("-prompting")
        self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Act on what was typed: a number (never evaluated), N, a seed, a file name."""
        from tutor.lessons.answers import AnswerError, parse_number

        kind, text = self.prompt_kind, event.value.strip()
        self.close_prompt()
        if kind in ("save", "load"):
            self.save(text) if kind == "save" else self.load(text)
            return
        try:
            number = parse_number(text)
        except AnswerError as error:
            self.say(str(error), error=True)
            return
        if kind == "value":
            self.set_selected(number)
        elif kind == "steps":
            if number != int(number) or not 1 <= number <= sb.MAX_STEPS:
                self.say(f"N: expected a whole number from 1 to {sb.MAX_STEPS}", error=True)
                return
            self.steps_n = int(number)
            self.say(f"t trains {self.steps_n} steps")
            self.refresh_all()
        elif kind == "seed":
            if number != int(number) or not 0 <= number < 2**32:
                self.say("seed: expected a whole number from 0 to 4294967295", error=True)
                return
            seed = int(number)
            self.apply(lambda s: sb.randomise(s, seed), f"weights drawn from seed {seed}")

    # -- structure ------------------------------------------------------------------------------

    def _hidden_of_selection(self) -> int:
        """The hidden layer the selected weight feeds (else the last hidden layer)."""
        return max(1, min(self._layer_of_selection(), len(self.state.sizes) - 2))

    def _layer_of_selection(self) -> int:
        """The weight layer (1-based) the selected value belongs to; η and targets: the output."""
        trace = self.state.trace
        identity = trace[self.selected].identity if self.selected in trace else None
        if identity is not None and identity.kind in ("weight", "bias") and identity.layer:
            return identity.layer
        n_layers = len(self.state.network.layers)
        return 1 if identity is not None and identity.kind == "input" else n_layers

    def action_add_neuron(self) -> None:
        """One more neuron in the hidden layer of the selection."""
        hidden = self._hidden_of_selection()
        self.apply(lambda s: sb.add_neuron(s, hidden), f"hidden layer {hidden}: a neuron added")

    def action_remove_neuron(self) -> None:
        """One neuron fewer in the hidden layer of the selection."""
        hidden = self._hidden_of_selection()
        self.apply(lambda s: sb.remove_neuron(s, hidden), f"hidden layer {hidden}: neuron removed")

    def action_add_layer(self) -> None:
        """A hidden layer more, before the output."""
        self.apply(sb.add_layer, "a hidden layer added before the output")

    def action_remove_layer(self) -> None:
        """The last hidden layer removed."""
        self.apply(sb.remove_layer, "the last hidden layer removed")

    def action_cycle_activation(self) -> None:
        """The next activation for the layer of the selection (invalid ones are refused)."""
        k = self._layer_of_selection()
        current = self.state.network.layers[k - 1].activation.name
        choices = sb.ACTIVATION_CHOICES
        name = (
            choices[(choices.index(current) + 1) % len(choices)]
            if current in choices
            else "sigmoid"
        )
        self.apply(lambda s: sb.set_activation(s, k, name), f"layer {k}: activation {name}")

    def action_cycle_loss(self) -> None:
        """The next loss (invalid ones are refused with the reason)."""
        choices = sb.LOSS_CHOICES
        current = self.state.loss.name
        name = (
            choices[(choices.index(current) + 1) % len(choices)]
            if current in choices
            else choices[0]
        )
        self.apply(lambda s: sb.set_loss(s, name), f"loss {name}")

    def action_cycle_data(self) -> None:
        """The next data set this network can train on."""
        choices = sb.data_choices(self.state)
        current = self.state.data_name
        name = (
            choices[(choices.index(current) + 1) % len(choices)]
            if current in choices
            else choices[0]
        )
        if self.apply(lambda s: sb.set_data(s, name), f"data set {name}: {DESCRIPTIONS[name]}"):
            self.restart_curve()

    def action_next_row(self) -> None:
        """Trace the next row of the data set."""
        data = self.state.data()
        row = sb.row_of(self.state)
        self.apply(lambda s: sb.use_row(s, row + 1), f"tracing row {(row + 1) % len(data.X) + 1}")

    def action_reset(self) -> None:
        """Back to the network as opened (undoable)."""
        if self.apply(lambda s: self.start, "back to the start"):
            self.restart_curve()

    def action_undo(self) -> None:
        """Undo the last edit."""
        if self.training or not self.undo_stack:
            self.say("Nothing to undo." if not self.training else "Pause training first.", True)
            return
        self.redo_stack.append(self.state)
        self.show_state(self.undo_stack.pop())
        self.say("undone")

    def action_redo(self) -> None:
        """Redo an undone edit."""
        if self.training or not self.redo_stack:
            self.say("Nothing to redo." if not self.training else "Pause training first.", True)
            return
        self.undo_stack.append(self.state)
        self.show_state(self.redo_stack.pop())
        self.say("redone")

    # -- training -------------------------------------------------------------------------------

    def action_train(self) -> None:
        """Train N steps in the background (t again pauses)."""
        if self.training:
            self.action_pause()
            return
        self.remaining = self.steps_n
        self.start_training()

    def action_pause(self) -> None:
        """Pause a run, or resume a paused one."""
        if self.training:
            self.token += 1
            self.workers.cancel_group(self, "sandbox-train")
            self.training = False
            self.say(f"paused; {self.remaining} steps left (space resumes)")
            self.refresh_all()
        elif self.remaining > 0:
            self.start_training()
        else:
            self.say("Nothing to resume: t trains N steps.")

    def action_step_one(self) -> None:
        """One gradient step (undoable), traced anew."""
        if self.training:
            self.say("Pause training first (space).", error=True)
            return
        try:
            new, losses = sb.train_steps(self.state, 1)
        except TrainingDiverged as error:
            self.say(f"training diverged: {error.detail}; try a smaller η", error=True)
            return
        curve, done = list(self.curve), self.steps_done
        self.push(new)
        self.curve, self.steps_done = curve + [(done + 1, new.data_loss())], done + 1
        self.say(f"one step: E {_num(losses[0])} → {_num(new.data_loss())}")
        self.refresh_all()

    def start_training(self) -> None:
        """Record the state for undo and start the worker on the remaining steps."""
        self.undo_stack.append(self.state)
        self.redo_stack.clear()
        self.old_trace = self.state.trace
        self.training = True
        self.token += 1
        self.say(f"training {self.remaining} steps… (space pauses)")
        self.train_worker(self.state, self.remaining, self.token)
        self.refresh_all()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sandbox-train")
    def train_worker(self, state: sb.SandboxState, steps: int, token: int) -> None:
        """Train in chunks, posting the state after them (the first chunk's at once, then at
        most UPDATES_PER_SECOND a second, and the last) with the loss before each step since
        the last post; stops at cancellation (pause) between chunks: a pause counts only the
        steps it was shown."""
        worker = get_current_worker()
        chunk = max(1, steps // CHUNKS)
        done = 0
        losses: list[float] = []  # of the steps trained since the last post
        posted: float | None = None  # when

        def post() -> None:
            nonlocal losses, posted
            state.traced()  # traced here, in the thread, not while drawing
            self.post_message(TrainChunk(token, state, tuple(losses)))
            losses, posted = [], monotonic()

        try:
            while done < steps:
                if worker.is_cancelled:
                    return
                n = min(chunk, steps - done)
                state, chunk_losses = sb.train_steps(state, n)
                losses += chunk_losses
                done += n
                if posted is None or done == steps or monotonic() - posted >= UPDATE_GAP:
                    post()
        except TrainingDiverged as error:
            if losses:  # the steps before the chunk that diverged
                post()
            self.post_message(TrainEnded(token, f"training diverged: {error.detail}", False))
            return
        self.post_message(TrainEnded(token, "", True))

    def on_train_chunk(self, message: TrainChunk) -> None:
        """Show the state after a chunk; extend the curve."""
        if message.token != self.token:
            return
        old = self.old_trace
        self.state = message.state
        for loss in message.losses[1:]:
            self.steps_done += 1
            self.curve.append((self.steps_done, loss))
        self.steps_done += 1
        self.curve.append((self.steps_done, message.state.data_loss()))
        self.remaining -= len(message.losses)
        self.old_trace = old
        self.refresh_all()

    def on_train_ended(self, message: TrainEnded) -> None:
        """A run finished or diverged."""
        if message.token != self.token:
            return
        self.training = False
        if message.finished:
            right, rows = self.state.accuracy()
            self.say(f"trained: E {_num(self.state.data_loss())}, {right}/{rows} right")
        else:
            self.say(message.reason + "; try a smaller η", error=True)
        self.refresh_all()

    def action_toggle_log(self) -> None:
        """Loss curve on a log₁₀ scale, or linear."""
        self.log_scale = not self.log_scale
        self.draw_curve()

    # -- files, graph, leaving ------------------------------------------------------------------

    def save(self, name: str) -> None:
        """Write the network (with its traced sample) as a network file, atomically."""
        from tutor.atomic import write_text_atomic
        from tutor.engine.netfile_write import network_toml

        if not name:
            self.say("Not saved: no file name.", error=True)
            return
        comment = "Saved by the backprop-tutor sandbox; format: docs/network-file.md."
        state = self.state
        if state.data_name != "sample":
            row = sb.row_of(state)
            comment += (
                f"\nData set {state.data_name}: {DESCRIPTIONS[state.data_name]}, one "
                f"[[samples]] table a row; the sandbox was tracing row {row + 1}."
            )
        try:
            write_text_atomic(name, network_toml(state.saved_example(), comment))
        except OSError as error:
            self.say(f"cannot write {name}: {error.strerror or error}", error=True)
            return
        self.say(f"saved {name}: backprop-tutor trace --network {name}")

    def load(self, name: str) -> None:
        """Open a network file in the sandbox (undoable)."""
        from tutor.engine.netfile import NetFileError, load_network_file

        try:
            example = load_network_file(name)
        except NetFileError as error:
            self.say(str(error), error=True)
            return
        if self.apply(lambda s: sb.from_example(example), f"loaded {name}"):
            self.restart_curve()

    def action_graph(self) -> None:
        """The computational graph of the current step."""
        from tutor.tui.screens.graph import GraphScreen

        if self.training:
            self.say("Pause training first (space).", error=True)
            return
        tutor_app(self).push_styled(GraphScreen(self.state.example(), self.state.trace))

    def action_escape(self) -> None:
        """Leave the input line, else go back."""
        if self.prompt_kind:
            self.close_prompt()
            self.say("cancelled")
        else:
            self.action_back()

    def action_back(self) -> None:
        """Back to where the sandbox was opened from (training stops)."""
        self.token += 1
        self.workers.cancel_group(self, "sandbox-train")
        tutor_app(self).leave()


def _num(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    return f"{x:.6g}"
