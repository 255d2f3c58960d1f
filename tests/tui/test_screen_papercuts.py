"""Issue 24, items 3–11, from the keyboard: waiting after contact, one meaning of new, countdowns, the bulk
dialogs' Now:, the header at 80 columns, what the timeline says about an edit, the empty queue and feedback."""

from __future__ import annotations

from pathlib import Path

from dashboard_fixtures import ME, NOW, fixture_tickets, keys, make_app, minutes_ago, new, settle, typed, write_store
from dialog_host import DialogHost
from textual.widgets import OptionList, Static
from textual.widgets._toast import ToastRack

from sopdash.clock import fixed_clock
from sopdash.core import delivery, rules
from sopdash.core.canned import CannedReply
from sopdash.core.edit import edit
from sopdash.desk import Desk
from sopdash.store.ticket_store import TicketStore
from sopdash.tui.dialogs.canned_reply_picker import CannedReplyPicker
from sopdash.tui.dialogs.ticket_form_dialogs import EditTicketDialog
from sopdash.tui.widgets.counts_header import CountsHeader
from sopdash.tui.widgets.header_fit import HeaderItem, fit_header


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def titles(app) -> list[str]:
    return [str(n.title) for n in app._notifications]


def header(app) -> str:
    return " | ".join(str(app.dashboard.query_one(selector, Static).render()) for selector in ("#counts", "#identity"))


def queue_lines(app) -> list[str]:
    queue = app.dashboard.queue
    return [queue.render_line(y).text.rstrip() for y in range(queue.size.height)]


def failed_mail_ticket(ticket_id: int):
    """An acknowledged ticket whose acknowledgement could not be mailed (the requester has no address)."""
    ticket = new(ticket_id, "Printer jams", "Bo Nilsson", 30, "high", email="")
    acknowledged = rules.acknowledge(ticket, ME, minutes_ago(20), "Hello")
    return delivery.queue_deliveries(ticket, acknowledged, lambda i: f"<{i}@desk.example>", minutes_ago(20))


# 3. Waiting on the client only once the client was contacted.


async def test_w_on_a_ticket_nobody_answered_is_refused_with_the_reason(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.dashboard.queue.current_id == 5  # acknowledged: waiting is fine
        await keys(pilot, "j")
        assert app.dashboard.queue.current_id == 1  # nobody has answered #1 yet
        await keys(pilot, "w")
        assert "cannot put on waiting ticket #1: nobody has contacted the client yet" in said(app)[-1]
        assert TicketStore(store_path).get(1).status == "new"


async def test_bulk_waiting_refuses_the_tickets_nobody_answered(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "space", "space", "w")  # #5 (acknowledged) and #1 (not)
        assert "#1 refused: nobody has contacted the client yet" in said(app)[-1]
        assert [TicketStore(store_path).get(i).status for i in (5, 1)] == ["waiting", "new"]


# 4. The header's new count is the new view's.


async def test_the_header_new_count_is_what_the_new_view_lists(tmp_path: Path):
    tickets = fixture_tickets()
    tickets[2] = tickets[2].evolve(id=3, acknowledged_at=None, status="open")  # as an import may have it
    path = write_store(tmp_path / "t.json", tickets)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "f5")
        listed = len(app.dashboard.queue.arrangement.rows)
        assert f"● {listed} new" in header(app)
        assert listed == 4 and f"new · {listed} of 10" in str(app.dashboard.queue.border_title)


# 5 and 6. Countdowns read as the order sorts, seconds under a minute.


async def test_forty_seconds_before_a_breach_reads_40s_not_0m(tmp_path: Path):
    urgent = new(1, "Core switch down", "Ann Lee", 29 + 20 / 60, "urgent")  # 30 minutes to acknowledge
    app = make_app(write_store(tmp_path / "t.json", [urgent]))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "▲ 40s" in queue_lines(app)[1]


# 7. The bulk dialogs' Now: line.


async def test_bulk_assign_says_who_holds_the_marked_tickets_now(tmp_path: Path):
    tickets = [new(n, f"Laptop {n}", "Ann Lee", 10 * n, "medium").evolve(assignee="dana" if n < 3 else "") for n in (1, 2, 3)]
    app = make_app(write_store(tmp_path / "t.json", tickets))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "space", "space", "space", "A")
        now = [str(s.render()) for s in app.screen.query(Static) if str(s.render()).startswith("Now:")]
        assert now == ["Now: dana (2), unassigned (1)"]


# 9. At 80 columns.


def test_header_items_shorten_then_go_by_width_and_never_touch():
    items = [
        HeaderItem("a", ("● 3 new", "●3")),
        HeaderItem("b", ("✗ 1 mail failed", "✗ 1 mail", "✗1")),
        HeaderItem("login", ("amara", ""), right=True),
    ]
    fitted = fit_header(items, ["b", "login", "a", "b"], 20)
    assert [text for _, text in fitted.left + fitted.right] == ["● 3 new", "✗ 1 mail"] and fitted.cells <= 20
    assert fit_header(items, ["b", "login", "a", "b"], 40).cells == len("● 3 new  ✗ 1 mail failed  amara")


async def test_the_header_at_80_columns_keeps_items_apart_and_failed_mail_with_privacy_on(tmp_path: Path):
    tickets = [*fixture_tickets(), failed_mail_ticket(11)]
    app = make_app(write_store(tmp_path / "t.json", tickets), privacy=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        counts, identity = header(app).split(" | ")
        assert "✗ 1 mail" in counts and "privacy" in identity
        width = app.dashboard.query_one(CountsHeader).size.width
        assert len(counts) + 2 + len(identity) <= width
        assert "  " in counts and all(item.strip() == item for item in counts.split("  "))


async def test_the_filter_hint_fits_80_columns(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "slash")
        hint = app.dashboard.query_one("#query-input").placeholder
        assert hint.endswith("enter keeps · esc clears") and len(hint) <= 80 - 4


async def test_the_assignee_column_shows_a_whole_login_where_there_is_room(tmp_path: Path):
    ticket = rules.assign(new(1, "Printer", "Ann Lee", 10, "high"), ME, minutes_ago(5), "nosuchtech")
    app = make_app(write_store(tmp_path / "t.json", [ticket]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert " nosuchtech " in queue_lines(app)[1]


async def test_tab_reaches_the_collapsed_third_pane_at_80_columns(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "tab", "tab")
        assert app.focused is app.dashboard.escalations and app.dashboard.escalations.display


async def test_notices_are_short_and_kept_off_a_dialogs_buttons(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert app.NOTIFICATION_TIMEOUT <= 3
        await keys(pilot, "n")
        app.notify("hello")
        await settle(pilot)
        rack = app.screen.get_child_by_type(ToastRack)
        assert rack.styles.dock == "top" and rack.query_one("Toast").styles.padding.top == 0


async def test_canned_reply_previews_use_the_dialogs_width():
    text = "Hello {name}, please restart your computer and tell us whether the problem is still there afterwards."
    app = DialogHost(lambda: CannedReplyPicker([CannedReply("restart", text), CannedReply("vpn", "Try the VPN.")]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = app.screen.query_one(OptionList).render_line(0).text.rstrip()
        assert first.startswith("restart  Hello {name}, please restart your computer and tell us")
        assert first.endswith("…") and len(first) <= 80


# 10. What the timeline says about an edit; E is editing.


async def test_the_timeline_shows_what_an_edit_changed(tmp_path: Path):
    ticket = new(1, "VPN", "Ann Lee", 10, "high")
    ticket = edit(ticket, ME, minutes_ago(5), subject="VPN drops\x1b[31m hourly", name="Ann Smith")
    app = make_app(write_store(tmp_path / "t.json", [ticket]))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = app.dashboard.detail.plain_text()
        assert "amara: subject: 'VPN' → 'VPN drops hourly'" in text
        assert "amara: requester name: Ann Lee → Ann Smith" in text
        await keys(pilot, "x")
        assert "requester name: A*** L*** → A*** S***" in app.dashboard.detail.plain_text()


async def test_a_wrapped_timeline_line_hangs_under_its_text(tmp_path: Path):
    ticket = rules.note(new(1, "VPN", "Ann Lee", 10, "high"), ME, minutes_ago(5), "word " * 40)
    app = make_app(write_store(tmp_path / "t.json", [ticket]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = [strip.text for strip in app.dashboard.detail._lines]
        first = next(i for i, line in enumerate(lines) if "INTERNAL" in line)
        indent = lines[first].index("INTERNAL") + 10
        assert lines[first + 1].startswith(" " * indent + "word")


async def test_editing_with_E_shows_as_editing_in_presence(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "E")
        assert isinstance(app.screen, EditTicketDialog)
        assert app.dashboard.presence_watch.activity() == (5, "edit")


# 11. The empty queue and feedback.


async def test_an_empty_store_says_what_to_do_and_ticket_keys_say_no_ticket(tmp_path: Path):
    app = make_app(write_store(tmp_path / "t.json", []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = queue_lines(app)
        assert lines[1].strip() == "No tickets yet."
        assert any(line.strip().startswith("N    new ticket") for line in lines)
        assert any("Mail is off: set up [mail] (README: Mail), then `sopdash mail fetch`." in line for line in lines)
        assert "No ticket selected." in [strip.text.strip() for strip in app.dashboard.detail._lines]
        for key in ("a", "v", "e"):
            await keys(pilot, key)
            assert said(app)[-1] == "No ticket selected."


async def test_r_says_it_read_the_store(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await keys(pilot, "r")
        assert said(app)[-1] == "Store read: 10 tickets."


async def test_creating_a_ticket_does_not_announce_it_to_its_creator(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "N")
        await typed(pilot, "Projector dead")
        await keys(pilot, "enter")
        await typed(pilot, "dana")
        await keys(pilot, "right", "enter")
        await typed(pilot, "high")
        await keys(pilot, "ctrl+s")
        await settle(pilot)
        assert any(message.startswith("#11 created") for message in said(app))
        assert not any(title.startswith("New ") for title in titles(app))


async def test_a_technician_is_told_when_someone_else_assigns_them_a_ticket(store_path: Path):
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bo = Desk(TicketStore(store_path, clock=fixed_clock(NOW)), app.desk.policy, app.desk.roster, "bo", fixed_clock(NOW))
        bo.assign(2, ME)
        await keys(pilot, "r")
        assert "Assigned to you by bo" in titles(app)
        assert "#2 VPN drops every few minutes" in said(app)
        app.desk.assign(8, ME)  # by amara herself: nothing to be told
        await keys(pilot, "r")
        assert titles(app).count("Assigned to you by bo") == 1 and not any("by amara" in t for t in titles(app))

