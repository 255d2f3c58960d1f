"""The dashboard driven by keys through Textual's pilot: moving, panes, live reload, filter, sort, views, privacy."""

from __future__ import annotations

import gc
from datetime import timedelta
from pathlib import Path

import pytest
from textual.events import Key
from dashboard_fixtures import ME, NOW, make_app, new, settle, untrusted_tickets, write_store

from sopdash.core import rules
from sopdash.core.errors import ConfigError, StoreError
from sopdash.store.ticket_store import TicketStore
from sopdash.keys import check_keys

NOT_CLOSED_BY_URGENCY = [5, 1, 2, 8, 7, 3, 6, 4, 9]


def queue_ids(app) -> list[int]:
    return [row.ticket.id for row in app.dashboard.queue.arrangement.rows]


def queue_text(app) -> str:
    """Every rendered line of the queue (header included), as plain text."""
    return "\n".join(app.dashboard.queue.render_line(y).text for y in range(app.dashboard.queue.size.height))


async def test_queue_shows_open_tickets_most_urgent_first(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert queue_ids(app) == NOT_CLOSED_BY_URGENCY
        assert app.dashboard.queue.current_id == 5
        lines = queue_text(app).splitlines()
        assert "SUBJECT" in lines[0] and "REQUESTER" in lines[0]
        assert "Payroll export fails" in lines[1] and "✖ -2h00m" in lines[1]
        assert "✖ -15m" in lines[2] and "▲ 10m" in lines[3]


async def test_j_and_k_move_the_cursor_and_the_detail_follows(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        assert app.dashboard.queue.current_id == 2
        assert "#2 VPN drops every few minutes" in app.dashboard.detail.plain_text()
        await pilot.press("k")
        assert app.dashboard.queue.current_id == 1
        await pilot.press("G")
        assert app.dashboard.queue.current_id == 9
        await pilot.press("g")
        assert app.dashboard.queue.current_id == 5
        assert "#5 Payroll export fails" in app.dashboard.detail.plain_text()


async def test_tab_and_number_keys_switch_panes(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.focused is app.dashboard.queue
        await pilot.press("tab")
        assert app.focused is app.dashboard.detail
        await pilot.press("tab")
        assert app.focused is app.dashboard.escalations
        assert app.dashboard.escalations.current_id == 5  # needs escalation: its resolution clock breached
        assert "#5 Payroll export fails" in app.dashboard.detail.plain_text()
        await pilot.press("j")
        assert app.dashboard.escalations.current_id == 7  # escalated, the latest escalation first
        assert "#7 Third time asking for a laptop" in app.dashboard.detail.plain_text()
        await pilot.press("1")
        assert app.focused is app.dashboard.queue
        assert "#5 Payroll export fails" in app.dashboard.detail.plain_text()
        await pilot.press("3", "enter")
        assert app.focused is app.dashboard.detail


async def test_a_ticket_written_by_another_process_appears_without_moving_the_cursor(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        assert app.dashboard.queue.current_id == 2
        other = TicketStore(store_path)
        other.add(lambda new_id: new(new_id, "Fire alarm panel beeping", "Joe Bloggs", 240, "urgent"))
        for _ in range(40):  # the store is checked every second
            await pilot.pause(0.1)
            if 11 in app.dashboard.queue.arrangement.index:
                break
        await settle(pilot)
        assert queue_ids(app)[0] == 11  # its acknowledgement breached over three hours ago: most urgent
        assert app.dashboard.queue.current_id == 2
        assert any("Fire alarm panel beeping" in str(n.message) for n in app._notifications)


async def test_filter_narrows_the_queue_and_esc_clears_it(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"p:high", "enter")
        await settle(pilot)
        assert queue_ids(app) == [5, 2, 7]
        assert app.focused is app.dashboard.queue
        await pilot.press("slash", "space", *"payroll", "enter")
        await settle(pilot)
        assert queue_ids(app) == [5]
        await pilot.press("escape")  # words also searched the whole history (issue 25): back to the queue
        await settle(pilot)
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert queue_ids(app) == NOT_CLOSED_BY_URGENCY


async def test_filter_by_assignee_and_status(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"a:me", "enter")
        await settle(pilot)
        assert queue_ids(app) == [3]
        await pilot.press("slash", "ctrl+u", *"s:waiting", "enter")
        await settle(pilot)
        assert queue_ids(app) == [4]


async def test_a_bad_filter_term_is_reported_and_the_queue_kept(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"p:huge", "enter")
        await settle(pilot)
        assert any("priority 'huge'" in str(n.message) for n in app._notifications)
        assert app.dashboard.query_bar.is_open
        await pilot.press("escape")
        await settle(pilot)
        assert queue_ids(app) == NOT_CLOSED_BY_URGENCY and not app.dashboard.query_bar.is_open


async def test_s_cycles_the_sort_key_and_shift_s_reverses_it(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert queue_ids(app) == [9, 8, 7, 6, 5, 4, 3, 2, 1]
        assert app.dashboard.queue.current_id == 5  # the cursor stays on its ticket across a re-sort
        await pilot.press("S")
        await settle(pilot)
        assert queue_ids(app) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
        await pilot.press("s")
        await settle(pilot)
        assert queue_ids(app)[:3] == [1, 5, 2]  # priority: urgent, then high by urgency


async def test_quick_views(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        assert app.dashboard.view.name == "mine" and queue_ids(app) == [3]
        await pilot.press("f9")
        await settle(pilot)
        assert sorted(queue_ids(app)) == list(range(1, 11))
        await pilot.press("f6")
        await settle(pilot)
        assert queue_ids(app) == [5, 1, 2]
        await pilot.press("f8")
        await settle(pilot)
        assert queue_ids(app) == [7, 6]


async def test_privacy_mode_masks_the_requester_everywhere(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        assert "Dana Smith" in queue_text(app)
        assert "dana@example.com" in app.dashboard.detail.plain_text()
        await pilot.press("x")
        await settle(pilot)
        assert "Dana Smith" not in queue_text(app) and "D*** S***" in queue_text(app)
        detail = app.dashboard.detail.plain_text()
        assert "Dana" not in detail and "dana@example.com" not in detail and "555 0100" not in detail
        assert "d***@e***.com" in detail


async def test_privacy_default_comes_from_the_config(store_path: Path):
    app = make_app(store_path, privacy=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Eve Adams" not in queue_text(app) and "E*** A***" in queue_text(app)


async def test_acknowledge_sends_the_template_and_stops_the_clock(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "a")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        ticket = TicketStore(store_path).get(1)
        assert ticket.acknowledged_at == NOW
        assert "Hello Dana" in ticket.timeline[-2].text
        assert app.dashboard.board.by_id[1].ticket.acknowledged_at == NOW
        assert app.dashboard.queue.current_id == 1


async def test_a_refused_action_says_why_and_changes_nothing(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = TicketStore(store_path).get(5)
        await pilot.press("c")
        await settle(pilot)
        assert TicketStore(store_path).get(5) == before
        assert any("cannot close ticket #5" in str(n.message) for n in app._notifications)


async def test_an_action_on_a_ticket_changed_meanwhile_is_refused(store_path: Path, monkeypatch):
    monkeypatch.setattr("sopdash.tui.store_watch.STORE_WATCH_S", 3600)  # no automatic reload: the screen shows the old version
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        TicketStore(store_path).update(5, lambda t: rules.assign(t, "bo", NOW, "bo"))
        await pilot.press("m")
        await settle(pilot)
        assert TicketStore(store_path).get(5).assignee == "bo"
        assert any("changed since you looked at it" in str(n.message) for n in app._notifications)


async def test_m_assigns_to_me_and_w_toggles_waiting(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert TicketStore(store_path).get(5).assignee == ME
        await pilot.press("w")
        await settle(pilot)
        assert TicketStore(store_path).get(5).status == "waiting"
        assert app.dashboard.queue.current_id == 5


async def test_t_records_the_current_step_with_an_optional_note(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t", *"checked logs", "enter")
        await settle(pilot)
        ticket = TicketStore(store_path).get(5)
        assert [(r.step, r.note, r.by) for r in ticket.troubleshooting] == [(1, "checked logs", ME)]
        await pilot.press("t", "enter")
        await settle(pilot)
        assert [r.step for r in TicketStore(store_path).get(5).troubleshooting] == [1, 2]
        assert "▸ 3 Test the theory" in app.dashboard.detail.plain_text()


async def test_go_to_a_closed_ticket_switches_to_all_tickets(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon", "1", "0", "enter")
        await settle(pilot)
        assert app.dashboard.view.name == "all"
        assert app.dashboard.queue.current_id == 10
        assert "#10 Password reset" in app.dashboard.detail.plain_text()


async def test_narrow_terminal_drops_columns_and_stacks_the_lower_panes(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header, first, *_ = queue_text(app).splitlines()
        assert "REQUESTER" not in header and "ASSIGNEE" in header and "RESOLVE" in header
        assert "—" in first  # #5 is unassigned, and says so at 80 columns too
        assert app.dashboard.detail.display and not app.dashboard.escalations.display
        await pilot.press("3")
        assert app.dashboard.escalations.display and not app.dashboard.detail.display
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert app.dashboard.escalations.display and app.dashboard.detail.display
        assert "REQUESTER" in queue_text(app).splitlines()[0]


async def test_sixteen_colours_switch_to_the_ansi_theme(store_path: Path, monkeypatch):
    monkeypatch.delenv("COLORTERM")
    monkeypatch.setenv("TERM", "screen")
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "ansi-dark"


async def test_256_colours_keep_the_default_theme(store_path: Path, monkeypatch):
    monkeypatch.delenv("COLORTERM")
    monkeypatch.setenv("TERM", "xterm-256color")
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"


async def test_untrusted_subjects_are_shown_literally(tmp_path: Path):
    app = make_app(write_store(tmp_path / "tickets.json", untrusted_tickets()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = queue_text(app)
        assert "[URGENT] printer" in text and "[/b] broken" in text and "[b]Mallory[/b]" in text
        assert "red alert[0m" not in text and "\x1b" not in text and "[red]no colour[/red]" in text


async def test_new_tickets_ring_the_bell_when_configured(store_path: Path):
    app = make_app(store_path, bell=True)
    rings = []
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        TicketStore(store_path).add(lambda new_id: new(new_id, "Coffee machine", "Al Grey", 5, "low"))
        app.dashboard.loader.reload()
        await settle(pilot)
        assert rings == [1]


async def test_time_passing_moves_the_clocks(tmp_path: Path):
    store = write_store(tmp_path / "tickets.json", [new(1, "Urgent thing", "Al Grey", 10, "urgent")])
    times = [NOW]
    app = make_app(store)
    app.desk.clock = lambda: times[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "· 20m" in queue_text(app)
        times[0] = NOW + timedelta(minutes=15)
        app.dashboard.tick()
        await pilot.pause()
        assert "▲ 5m" in queue_text(app)
        assert app.dashboard.board.counts(app.dashboard.moment).at_risk == 1
        times[0] = NOW + timedelta(minutes=25)
        app.dashboard.tick()
        await pilot.pause()
        assert "✖ -5m" in queue_text(app)
        assert app.dashboard.board.counts(app.dashboard.moment).breached == 1


async def test_the_detail_pane_scrolls_with_j_and_k_when_focused(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "j", "j", "j")
        assert app.dashboard.detail.scroll_offset.y == 3
        await pilot.press("k")
        assert app.dashboard.detail.scroll_offset.y == 2
        await pilot.press("G")
        assert app.dashboard.detail.scroll_offset.y == app.dashboard.detail.max_scroll_y > 10


async def test_dashboard_keys_do_nothing_while_a_dialog_is_open(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        await pilot.press("x", "q", "a")
        await pilot.pause()
        assert app.screen is dialog and not app.dashboard.privacy and app.is_running
        await pilot.press("escape")
        await pilot.press("x")
        assert app.dashboard.privacy


async def test_keys_typed_right_after_quit_do_nothing_and_it_leaves_cleanly(store_path: Path):
    """Issue 18: privacy on, then `q` and `e` in one burst opened the escalate dialog on a closing app (an internal
    error, exit status 0); now nothing runs after `q`."""
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        for key in ("q", "e"):
            app.post_message(Key(key, key))
        await pilot.pause(0.3)
    assert app.return_code == 0


async def test_a_store_that_refuses_writes_is_reported(store_path: Path):
    app = make_app(store_path)

    def read_only(*args, **kwargs):
        raise StoreError(f"cannot write in {store_path.parent}: permission denied; give the group access")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.desk.store.update = read_only
        await pilot.press("m")
        await settle(pilot)
        assert any("permission denied" in str(n.message) for n in app._notifications)
        assert TicketStore(store_path).get(5).assignee == ""


async def test_a_store_that_becomes_unreadable_is_reported_once_and_recovers(store_path: Path, monkeypatch):
    monkeypatch.setattr("sopdash.tui.store_watch.STORE_WATCH_S", 3600)  # reloads come only when the test calls the watch
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        good = store_path.read_bytes()
        store_path.write_text("{not json", encoding="utf-8")
        app.dashboard.store_watch.look()  # the store watch runs on its own interval; call it rather than race it
        await settle(pilot)
        app.dashboard.store_watch.look()  # the store watch runs on its own interval; call it rather than race it
        await settle(pilot)
        errors = [n for n in app._notifications if "not a sopdash store" in str(n.message)]
        assert len(errors) == 1
        assert queue_ids(app) == NOT_CLOSED_BY_URGENCY  # the last good picture stays
        store_path.write_bytes(good)
        app.dashboard.store_watch.look()  # the store watch runs on its own interval; call it rather than race it
        await settle(pilot)
        assert any("can be read again" in str(n.message) for n in app._notifications)


def test_keys_can_be_remapped_by_binding_id():
    assert check_keys({"acknowledge": "ctrl+a"}) == {"acknowledge": "ctrl+a"}
    with pytest.raises(ConfigError, match="keys.acknowledgement: no such binding"):
        check_keys({"acknowledgement": "ctrl+a"})


async def test_a_remapped_key_works(tmp_path: Path):
    store = write_store(tmp_path / "tickets.json", [new(1, "Printer", "Al Grey", 5, "low")])
    app = make_app(store, keys={"assign-to-me": "ctrl+y"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert TicketStore(store).get(1).assignee == ME


async def test_the_palette_runs_dashboard_actions_and_jumps_to_tickets(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"privacy")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.dashboard.privacy
        await pilot.press("ctrl+p", *"server room")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.dashboard.queue.current_id == 6


async def test_help_lists_the_keys(store_path: Path):
    app = make_app(store_path, keys={"acknowledge": "ctrl+a"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        keys = {b.description: b.key for b in app.screen.bindings["Dashboard"]}
        assert keys["ack"] == "ctrl+a" and keys["public reply to the client"] == "R"


async def test_i_opens_the_stats_screen_and_esc_returns(store_path: Path):
    from sopdash.tui.stats_screen import StatsScreen

    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, StatsScreen)
        assert app.focused is app.dashboard.queue


async def test_a_loaded_board_is_frozen_out_of_full_collections(store_path: Path):
    gc.unfreeze()
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 0
    gc.unfreeze()


async def test_a_restyle_redraws_what_the_detail_shows_then_not_what_it_showed_before(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        detail, row = app.dashboard.detail, app.dashboard.current_row
        detail.show(None, None, False)
        detail.notify_style_update()  # a focus or theme change schedules a redraw…
        detail.show(row, app.dashboard.moment, False)  # …and the store's first load lands before it runs
        await pilot.pause()
        assert f"#{row.ticket.id} " in detail.plain_text()


async def test_m_on_a_ticket_someone_else_holds_asks_first_naming_them(store_path: Path):
    TicketStore(store_path).update(5, lambda t: rules.assign(t, "bo", NOW, "bo"))
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert "#5 is assigned to bo. Take it from bo?" in str(app.screen.query_one(".question").render())
        await pilot.press("n")
        await settle(pilot)
        assert TicketStore(store_path).get(5).assignee == "bo"
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert TicketStore(store_path).get(5).assignee == ME
