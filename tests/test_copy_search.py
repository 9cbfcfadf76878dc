"""Navigation, search, copy and help on a loaded run, driven by their keys."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from textual.widgets import Input

from tests.cassettes import INST, INSTANCE_PATH, WF, load_interaction, serve
from tests.screen import path_line, screen_text, settle, shows
from wfbrowse.tui.app import WfBrowseApp
from wfbrowse.tui.json_tree_view import JsonTreeView
from wfbrowse.tui.status_bar import StatusBar

RECORDED_LINK = f"https://app.datadoghq.com/workflow/{WF}?instance={INST}"


async def recorded_run(fake_datadog, launch_options, pilot_size=(120, 40)):
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    return WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))


def recorded_document() -> dict:
    return json.loads(load_interaction("test_get_a_workflow_instance_returns_ok_response").body)


async def test_y_p_u_copy_value_path_and_link(fake_datadog, launch_options) -> None:
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        assert tree.reveal_path(
            ("data", "attributes", "source", "manual", "actingUser", "userName")
        )
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard == "Max Gale"
        assert "copied value (8 chars)" in screen_text(app)
        assert "OSC 52" in screen_text(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert app.clipboard == ".data.attributes.source.manual.actingUser.userName"
        await pilot.press("u")
        await settle(app, pilot)
        assert app.clipboard == RECORDED_LINK
        # Containers are copied as pretty JSON, numbers as JSON.
        tree.reveal_path(("included", 0, "attributes", "spec", "steps", 0, "parameters", 0))
        await pilot.press("y")
        await settle(app, pilot)
        assert json.loads(app.clipboard) == {"name": "durationSeconds", "value": 300}
        assert "\n" in app.clipboard
        tree.reveal_path(
            ("included", 0, "attributes", "spec", "steps", 0, "parameters", 0, "value")
        )
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard == "300"


@pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq")
async def test_copied_paths_give_back_the_value_with_real_jq(fake_datadog, launch_options) -> None:
    document = {
        "data": {
            "weird.key": [{"a b": 1, "": "empty key", "[b]x[/b]": "[/]"}],
            'quote"d': {"back\\slash": True, "ünïcode": None},
        }
    }
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    paths = [
        ("data", "weird.key", 0, "a b"),
        ("data", "weird.key", 0, ""),
        ("data", "weird.key", 0, "[b]x[/b]"),
        ("data", 'quote"d', "back\\slash"),
        ("data", 'quote"d', "ünïcode"),
    ]
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        for path in paths:
            assert tree.reveal_path(path)
            await pilot.press("p")
            await settle(app, pilot)
            jq = subprocess.run(
                ["jq", "-c", app.clipboard],
                input=json.dumps(document),
                capture_output=True,
                text=True,
                check=True,
            )
            value = document
            for key in path:
                value = value[key]  # type: ignore[index]
            assert json.loads(jq.stdout) == value, app.clipboard


async def test_palette_copies_key_pointer_line_document_and_ids(
    fake_datadog, launch_options
) -> None:
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        tree.reveal_path(("data", "attributes", "instanceStatus"))
        expected = {
            "copy_key": "instanceStatus",
            "copy_pointer": "/data/attributes/instanceStatus",
            "copy_value_line": '{"detailsKind":"CANCELED","displayName":"Canceled"}',
            "copy_workflow_id": WF,
            "copy_instance_id": INST,
        }
        for action, text in expected.items():
            await app.run_action(action)
            await settle(app, pilot)
            assert app.clipboard == text, action
        await app.run_action("copy_document")
        await settle(app, pilot)
        assert json.loads(app.clipboard) == recorded_document()


async def test_search_finds_unbuilt_nodes_and_n_N_cycle(fake_datadog, launch_options) -> None:
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"durationseconds", "enter")
        await settle(app, pilot)
        # Deep inside `included`, which was never expanded: unfolded to the match.
        assert path_line(app) == ".included[0].attributes.spec.steps[0].parameters[0].name"
        assert "match 1 of 1" in screen_text(app)
        await pilot.press("slash")
        await pilot.press("ctrl+u", *"/max (gale|jul)/", "enter")
        await settle(app, pilot)
        screen = screen_text(app)
        assert "match 1 of 4" in screen
        first = path_line(app)
        await pilot.press("n")
        await pilot.pause()
        assert "match 2 of 4" in screen_text(app)
        await pilot.press("N", "N")
        await pilot.pause()
        assert "match 4 of 4" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert path_line(app) == first
        await pilot.press("slash", "ctrl+u", *"/[/", "enter")
        await settle(app, pilot)
        assert "search: not a valid regex" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query_one("#search").display
        assert isinstance(app.focused, JsonTreeView)


async def test_e_E_and_depth_keys(fake_datadog, launch_options) -> None:
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        await pilot.press("G", "e")  # everything under meta
        await pilot.pause()
        assert "outputsTooBig: false" in screen_text(app)
        await pilot.press("g", "e")  # everything under data
        await pilot.pause()
        screen = screen_text(app)
        assert 'userEmail: "max.gale@datadoghq.com"' in screen
        await pilot.press("E")
        await pilot.pause()
        assert [row.path for row in tree.model.rows] == [("data",), ("included",), ("meta",)]
        await pilot.press("2")
        await pilot.pause()
        assert "▸ attributes: {8 keys}" in screen_text(app)
        assert "▸ included" not in screen_text(app)  # level 2 shows included's items
        await pilot.press("1")
        await pilot.pause()
        assert len(tree.model.rows) == 3
        # Deep down, a depth that folds the cursor's node away leaves the cursor on the
        # nearest container still in view, not at the top.
        assert tree.reveal_path(("data", "attributes", "source", "manual", "actingUser"))
        await pilot.press("2")
        await pilot.pause()
        assert path_line(app) == ".data.attributes"
        await pilot.press("1")
        await pilot.pause()
        assert path_line(app) == ".data"


async def test_expand_all_stops_at_its_cap_and_says_so(fake_datadog, launch_options) -> None:
    document = {"data": {"items": [{"n": i, "tags": ["a", "b"]} for i in range(30_000)]}}
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("g", "e")
        # Said once its last step is done.
        assert await shows(app, pilot, "and stopped there (at most 10,000 at once)", 2.0, 0.02)
        assert len(app.query_one(JsonTreeView).model.rows) <= 10_001 + 1
        # Once the folds change again, what it said no longer holds, and goes: a fold of one
        # node (left) as a depth key does.
        await pilot.press("left")
        await pilot.pause()
        assert "stopped there" not in screen_text(app)
        await pilot.press("g", "e")
        assert await shows(app, pilot, "and stopped there", 2.0, 0.02)
        await pilot.press("2")
        await pilot.pause()
        assert "stopped there" not in screen_text(app)
        await pilot.press("4")  # 30,000 items (level 3 holds their ranges): capped, and said
        await settle(app, pilot)
        assert "depth 4 would show more than that" in screen_text(app)
        await pilot.press("E")
        await pilot.pause()
        assert "would show more" not in screen_text(app)
        assert "▸ data: {1 key}" in screen_text(app)


def status_line(app: WfBrowseApp) -> str:
    """The status bar's message line, as drawn."""
    return screen_text(app).splitlines()[app.query_one(StatusBar).region.y]


async def test_a_fold_change_leaves_other_messages_alone(fake_datadog, launch_options) -> None:
    """Taking back the tree's word about its folds clears that word only: a message shown
    after it (here a copy's) stays when the folds change."""
    document = {"data": {"items": [{"n": i} for i in range(30_000)]}}
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert "depth 4 would show more than that" in screen_text(app)
        await pilot.press("p")  # copy the path: the status line says so
        await pilot.pause()
        said = status_line(app)
        assert "would show more" not in said and said.strip()
        await pilot.press("1")
        await pilot.pause()
        assert status_line(app) == said


async def test_expand_all_draws_the_first_rows_before_the_rest_and_stops_at_another_key(
    fake_datadog, launch_options, monkeypatch
) -> None:
    """`e` opens nodes in steps, each drawn: with the least step (one node) the first items
    show open while the last are still folded; the cursor moved into what is still opening
    stays on its node; it ends with everything open; `E` before the end folds for good."""
    step = "wfbrowse.tui.json_tree_view.EXPAND_STEP_SECONDS"
    monkeypatch.setattr(step, 0.0)
    document = {"data": {"items": [{"n": i, "tags": ["a", "b"]} for i in range(1000)]}}
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        await pilot.press("g", "e")
        for _ in range(100):
            if "▾ [0]: {2 keys}" in screen_text(app):
                break
            await pilot.pause(0.01)
        assert "▾ [0]: {2 keys}" in screen_text(app)  # drawn before the end
        await pilot.press("G")
        await pilot.pause()
        assert tree.model.expansion is not None  # `G` moved the cursor only: still going
        assert "▸ [999]: {2 keys}" in screen_text(app)
        monkeypatch.setattr(step, 60.0)  # the rest in one step
        for _ in range(100):
            if tree.model.expansion is None:
                break
            await pilot.pause(0.02)
        # Rows went in above the cursor meanwhile: it stayed on the last item, now open.
        assert path_line(app) == ".data.items[999]"
        assert "▾ [999]: {2 keys}" in screen_text(app)
        assert len(tree.model.rows) == 2 + 1000 * 5

        monkeypatch.setattr(step, 0.0)
        await pilot.press("E", "g", "e")
        assert tree.model.expansion is not None
        await pilot.press("E")
        await pilot.pause(0.2)
        assert "▸ data: {1 key}" in screen_text(app)
        assert len(tree.model.rows) == 1  # folded for good: nothing opened after the E


async def test_folds_draw_what_a_full_layout_draws(fake_datadog, launch_options) -> None:
    """The tree lays out the screen only when its scrollbar comes or goes: after each key, the
    screen (scrollbar thumb, scroll position, rows) must be what a full layout then draws."""
    document = {
        "data": {"items": [{"n": i, "tags": ["a", "b"]} for i in range(300)], "small": [1, 2]}
    }
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        bars = []
        steps = [
            "g", "right", "down", "right",  # the items: the scrollbar comes
            "G", "left",  # from the end: the rows above stay, the scroll range shrinks
            "g", "e",  # everything: a far longer range
            "G", "left", "left",  # scrolled to the end, the last rows fold: the range shrinks
            "E",  # fold all: the scroll range ends far above the view
            "g", "e", "pagedown", "pagedown", "left", "left",  # the items fold, the bar goes
        ]  # fmt: skip
        for key in steps:
            await pilot.press(key)
            await pilot.pause()
            drawn = app.export_screenshot()
            bars.append(tree.show_vertical_scrollbar)
            app.screen.refresh(layout=True)
            await pilot.pause()
            assert app.export_screenshot() == drawn, f"after {key!r}"
        assert True in bars and False in bars  # the bar came and went: both paths were run


async def test_status_messages_draw_what_a_full_layout_draws(fake_datadog, launch_options) -> None:
    """A message as tall as the one before redraws the status bar alone; one that wraps onto a
    second line, or back, lays the screen out again. Either way the screen must be what a full
    layout then draws."""
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        bar = app.query_one(StatusBar)
        wrapping = "a message long enough to wrap onto the status bar's second line " * 2
        heights = []
        for text in ("copied path", "match 2 of 7", wrapping, wrapping + "!", "short", ""):
            bar.show_info(text)
            await pilot.pause()
            drawn = app.export_screenshot()
            heights.append(bar.size.height)
            app.screen.refresh(layout=True)
            await pilot.pause()
            assert app.export_screenshot() == drawn, f"after {text!r}"
        assert heights == [2, 2, 3, 3, 2, 2]  # the bar grew and shrank: both paths were run


async def test_help_lists_the_keys_and_the_tmux_clipboard(fake_datadog, launch_options) -> None:
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = screen_text(app)
        for text in (
            "expand everything under the cursor",
            "its path, in jq form",
            "set -g set-clipboard on",
        ):
            assert text in screen
        await pilot.press("escape")
        await pilot.pause()
        assert "set-clipboard" not in screen_text(app)


async def test_copy_before_any_run_says_what_to_do(fake_datadog, launch_options) -> None:
    app = WfBrowseApp(launch_options(fake_datadog))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        app.query_one("#workflow", Input).blur()
        await app.run_action("copy_value")
        await pilot.pause()
        assert "nothing to copy yet: fetch a run first" in screen_text(app)
        assert app.clipboard == ""


async def test_movement_keys_and_the_raw_value_view(fake_datadog, launch_options) -> None:
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        assert path_line(app) == ".data.attributes"
        await pilot.press("down", "down")
        assert path_line(app) == ".data.attributes.instanceStatus"
        await pilot.press("space")  # unfold
        await pilot.pause()
        assert 'displayName: "Canceled"' in screen_text(app)
        await pilot.press("space")  # fold again
        await pilot.pause()
        assert "displayName" not in screen_text(app)
        await pilot.press("k", "up")
        assert path_line(app) == ".data.attributes"
        await pilot.press("right", "right")  # already open: step in
        assert path_line(app) == ".data.attributes.endTimestamp"
        await pilot.press("left")  # a leaf: go to the parent
        assert path_line(app) == ".data.attributes"
        await pilot.press("v")  # the whole value, pretty, in its own view
        await pilot.pause()
        screen = screen_text(app)
        assert ".data.attributes ·" in screen
        assert '"detailsKind": "CANCELED"' in screen
        await pilot.press("escape")
        await pilot.pause()
        assert '"detailsKind": "CANCELED"' not in screen_text(app)


@pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq")
def test_paths_of_tree_rows_read_back_with_jq_for_generated_documents() -> None:
    """The path `p` copies is built from the tree's rows (ranges included): for generated
    documents and keys, real jq finds exactly the node's value with it."""
    hypothesis = pytest.importorskip("hypothesis")
    st = pytest.importorskip("hypothesis.strategies")
    from tests.test_jsonpath import MARKER, nest, run_jq
    from wfbrowse.jsonpath import jq_path
    from wfbrowse.jsontree import FlatTree, reveal

    keys_strategy = st.lists(
        st.one_of(
            st.text(st.characters(blacklist_categories=("Cs",)), max_size=10),
            st.sampled_from([".", "a.b", "[0]", '"', " ", "ünï", "", "[b]x[/b]"]),
            st.integers(min_value=0, max_value=2500),  # big indexes go through range rows
        ),
        min_size=1,
        max_size=4,
    )

    @hypothesis.settings(max_examples=40, deadline=None, database=None)
    @hypothesis.given(keys_strategy)
    def check(keys: list[str | int]) -> None:
        document = {"root": nest(keys, MARKER)}
        tree = FlatTree(document)
        row = reveal(tree, ("root", *keys))
        assert row is not None
        path = tree.rows[row].path
        assert path == ("root", *keys)
        assert run_jq(jq_path(path), document) == MARKER

    check()


@pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq")
async def test_on_a_range_row_the_path_is_the_slice_y_copies(fake_datadog, launch_options) -> None:
    """A range of an array's items (`[2,000 … 2,499]`): `p` copies its slice's path, which
    real jq reads back as exactly what `y` copies; the path line says the same."""
    from tests.jq import jq_outputs

    document = {"data": {"arr": list(range(2500)), "obj": {f"k{i}": i for i in range(1500)}}}
    fake_datadog.add_response("GET", INSTANCE_PATH, status=200, body=json.dumps(document))
    app = WfBrowseApp(launch_options(fake_datadog, workflow_id=WF, instance_id=INST))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        assert tree.reveal_path(("data", "arr", 2000))
        await pilot.press("h")  # up to its range
        await pilot.pause()
        assert path_line(app) == ".data.arr[2000:2500]"
        await pilot.press("y")
        await settle(app, pilot)
        copied = json.loads(app.clipboard)
        assert copied == list(range(2000, 2500))
        await pilot.press("p")
        await settle(app, pilot)
        assert app.clipboard == ".data.arr[2000:2500]"
        assert jq_outputs(app.clipboard, document) == [copied]
        # A range of an object's members: jq has no slice of keys; the object's own path.
        assert tree.reveal_path(("data", "obj", "k1200"))
        await pilot.press("h")
        await pilot.pause()
        assert path_line(app) == ".data.obj"


async def test_ctrl_c_copies_text_selected_in_the_value_view(fake_datadog, launch_options) -> None:
    """Textual's own copy (Ctrl+C on a selection) takes the app's routes and says so; in the
    tree, where y and p copy nodes, a mouse drag selects nothing and Ctrl+C copies nothing."""
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        tree = app.query_one(JsonTreeView)
        assert tree.reveal_path(("data", "attributes", "instanceStatus"))
        await pilot.press("y")
        await settle(app, pilot)
        copied = app.clipboard
        assert json.loads(copied)["detailsKind"] == "CANCELED"
        await pilot.mouse_down(tree, offset=(2, 1))
        await pilot.hover(tree, offset=(40, 6))
        await pilot.mouse_up(tree, offset=(40, 6))
        assert not app.screen.selections  # no selection in the tree
        await pilot.press("ctrl+c")
        await settle(app, pilot)
        assert app.clipboard == copied  # not emptied by a selection of nothing
        await pilot.press("v")  # the value view, where text can be selected
        await pilot.pause()
        await pilot.press("f7", "ctrl+c")  # select all, copy
        await settle(app, pilot)
        assert json.loads(app.clipboard) == json.loads(copied)
        await pilot.press("escape")
        await settle(app, pilot)
        assert f"copied selected text ({len(app.clipboard):,} chars)" in screen_text(app)


async def test_text_holding_a_key_in_use_is_never_copied(
    fake_datadog, launch_options, test_credentials
) -> None:
    """A key pasted into the wrong field stays out of the clipboard, whatever copies it."""
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        before = app.clipboard
        field = app.query_one("#workflow", Input)
        field.focus()
        field.value = f"oops {test_credentials.api_key}"
        await pilot.press("ctrl+shift+a", "ctrl+c")
        await settle(app, pilot)
        assert "not copied: the selected text holds one of your Datadog keys" in screen_text(app)
        assert app.clipboard == before
        field.value = "no key in here"
        await pilot.press("ctrl+shift+a", "ctrl+c")
        await settle(app, pilot)
        assert app.clipboard == "no key in here"  # the same way copies what holds no key


async def test_a_search_belongs_to_the_run_it_was_made_on(fake_datadog, launch_options) -> None:
    """n and N go through the matches of the run on screen only: once another run is shown
    (fetched, or switched to), the last search's paths point into a run no longer there."""
    other = "0b6bd0a3-5d07-4c47-a3b4-1e2f3a4b5c6d"
    other_run = recorded_document()
    other_run["data"]["id"] = other
    serve(fake_datadog, load_interaction("test_get_a_workflow_instance_returns_ok_response"))
    other_path = INSTANCE_PATH.replace(INST, other)
    fake_datadog.add_response("GET", other_path, status=200, body=json.dumps(other_run))
    app = await recorded_run(fake_datadog, launch_options)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"/max (gale|jul)/", "enter")
        await settle(app, pilot)
        assert "match 1 of 4" in screen_text(app)
        app.query_one("#instance", Input).value = other
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        shown = path_line(app)
        await pilot.press("n")
        await pilot.pause()
        assert "no search on this run: / searches it" in screen_text(app)
        assert "match 2 of 4" not in screen_text(app)
        assert path_line(app) == shown
        await pilot.press("o")  # back to the first run: its search is gone too
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert f"back to run {INST}" in screen_text(app)
        await pilot.press("N")
        await pilot.pause()
        assert "no search on this run: / searches it" in screen_text(app)
