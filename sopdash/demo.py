"""Realistic demo tickets, made by running the SOP actions at past instants so timelines, audits and clocks are genuine.

Each ticket follows a shape — which state each clock should be in now, what became of it — and its
history is laid out in business seconds since creation. The creation time is then found through the
priority's calendar, so a clock reads the wanted state at any `now`, weekday or weekend, day or night.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sopdash.core import rules
from sopdash.core.clocks import BREACHED, MET, MET_LATE, PAUSED, RUNNING, WARNING, Calendar
from sopdash.core.errors import InputError
from sopdash.core.model import MANAGER_REASONS, PRIORITIES, Requester, Ticket, TimelineEntry
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Member, Roster
from sopdash.store.opening import open_store

DEFAULT_SEED = 1
INTAKE = "intake"  # the actor that files e-mailed and portal tickets
FIRST_LINE = ("amara", "bjorn")
TIER_OWNER = {1: "amara", 2: "chen", 3: "dana"}
MANAGER = "dana"
DEMO_ROSTER = Roster(
    {
        "amara": Member("amara", "Amara Okafor", 1),
        "bjorn": Member("bjorn", "Björn Lindqvist", 1),
        "chen": Member("chen", "Chen Wei", 2),
        "dana": Member("dana", "Dana Kowalski", 3, manager=True),
    }
)

_DAY = 86_400
Action = Callable[[Ticket, datetime], Ticket]


@dataclass(frozen=True, slots=True)
class Issue:
    """A kind of request a help desk sees, with what the technician finds and does."""

    category: str
    subject: str
    body: str
    priorities: tuple[str, ...]
    theory: str
    fix: str
    question: str


ISSUES = (
    Issue(
        "Accounts", "Password reset for the payroll portal",
        "I'm locked out of the payroll portal after too many attempts and timesheets are due today.",
        ("high", "medium"),
        "Account locked by failed sign-ins from an old password saved on her phone.",
        "Unlocked the account, reset the password and removed the stale saved password from the phone.",
        "Could you tell me which devices you have signed in to the portal from recently?",
    ),
    Issue(
        "Accounts", "Locked out of Windows after changing my password",
        "Changed my password from home yesterday; this morning the laptop says the password is wrong.",
        ("medium", "high"),
        "Cached credentials on the laptop are out of sync with the directory.",
        "Signed in on the office network to refresh the cached credentials; new password works.",
        "Can you connect the laptop to the office network or the VPN with your old password and let me know?",
    ),
    Issue(
        "Security", "MFA prompts not arriving on my new phone",
        "I got a new phone at the weekend and the authenticator app no longer gets the sign-in prompts.",
        ("high", "medium"),
        "MFA is still registered to the old device.",
        "Cleared the old MFA registration and re-enrolled the new phone with the requester on a call.",
        "Do you still have the old phone, so we can approve one last prompt from it?",
    ),
    Issue(
        "Security", "[EXT] Suspicious invoice e-mail - did I click a bad link?",
        "Got an 'overdue invoice' mail from a supplier I don't know, clicked the link and typed my password "
        "before I noticed the address. Sorry!",
        ("urgent", "high"),
        "Credential phishing campaign; the password must be treated as exposed.",
        "Reset the password, revoked all sessions, blocked the sender domain; no sign-ins from unknown places.",
        "Could you forward the original e-mail as an attachment so we can block the sender?",
    ),
    Issue(
        "Network", "VPN disconnects every few minutes",
        "Working from home; the VPN drops every 5-10 minutes and I lose my session in the finance app.",
        ("high", "medium"),
        "Home router fragments the tunnel traffic (MTU) rather than a server-side fault.",
        "Lowered the MTU on the VPN profile and pushed the updated client configuration.",
        "Could you send a screenshot of the VPN client log right after the next drop?",
    ),
    Issue(
        "Network", "VPN says 'certificate expired' - whole sales team can't connect",
        "Since 8am nobody in sales can connect to the VPN, it says the certificate has expired.",
        ("urgent", "high"),
        "The machine certificates were not renewed by auto-enrolment.",
        "Renewed the machine certificates, fixed the auto-enrolment template and confirmed everyone reconnects.",
        "Could you check whether colleagues in the office on the wired network are affected too?",
    ),
    Issue(
        "Network", "Wi-Fi in meeting room 4B keeps dropping",
        "Every call in 4B drops after a few minutes on Wi-Fi. Other rooms seem fine.",
        ("medium", "high"),
        "The access point in 4B is overloaded or on a crowded channel.",
        "Moved the 4B access point to a free channel and raised its power; calls stay up.",
        "Which device and which meeting time had the drops, so I can match them in the controller log?",
    ),
    Issue(
        "Network", "Guest Wi-Fi code for visitors tomorrow",
        "We have 12 visitors from a partner tomorrow 9-5, can we have a guest Wi-Fi code?",
        ("low",),
        "Routine request: guest vouchers are issued per day.",
        "Created a one-day voucher for 12 devices and sent it to the requester.",
        "How many devices should the voucher allow?",
    ),
    Issue(
        "Printing", "[URGENT] printer on 3rd floor jams every page",
        "The big printer by the kitchen on the 3rd floor jams on every page. We need the board packs printed by 2pm!",
        ("urgent", "high"),
        "Worn pickup roller on tray 2.",
        "Replaced the tray 2 pickup roller; 50 test pages printed without a jam.",
        "Which tray were you printing from when it jammed?",
    ),
    Issue(
        "Printing", "Can't print to PRN-2F-EAST from my Mac",
        "Print jobs from my MacBook sit in the queue forever. Windows colleagues can print fine.",
        ("medium", "low"),
        "The Mac uses an outdated generic driver.",
        "Installed the current vendor driver and re-added the printer.",
        "Which macOS version is the MacBook on?",
    ),
    Issue(
        "Printing", "Scan to e-mail on the copier stopped working",
        "The copier in reception says 'SMTP error' when I scan to my e-mail.",
        ("medium", "low"),
        "The copier's SMTP relay password expired.",
        "Moved the copier to the anonymous internal relay; scans arrive again.",
        "Does it fail for every address or only external ones?",
    ),
    Issue(
        "E-mail", "Outlook shows [/b] in my signature",
        "Since the update my Outlook signature shows [/b] after my name and the logo is gone.",
        ("low", "medium"),
        "The signature HTML was mangled by the mailbox migration tool.",
        "Rebuilt the signature from the company template.",
        "Could you send a screenshot of File > Options > Mail > Signatures?",
    ),
    Issue(
        "E-mail", "Shared mailbox 'accounts@' disappeared from Outlook",
        "The accounts shared mailbox is gone from my Outlook folder list since yesterday.",
        ("medium", "high"),
        "Automapping was dropped when the mailbox permissions were changed.",
        "Re-granted full access with automapping; the mailbox reappeared after an Outlook restart.",
        "Do you see the mailbox in Outlook on the web?",
    ),
    Issue(
        "E-mail", "Outlook keeps asking for my password",
        "Outlook pops up a password prompt every ten minutes even though I type it correctly.",
        ("medium", "high"),
        "A stale credential in Windows Credential Manager.",
        "Cleared the stored Office credentials and signed in again with modern authentication.",
        "Does the prompt come up in the office, at home, or both?",
    ),
    Issue(
        "E-mail", "Mailbox full - can't send e-mail",
        "I keep getting 'mailbox full' and can't send anything. I have a client proposal to send today.",
        ("high", "medium"),
        "Mailbox at quota because of large attachments in Sent Items.",
        "Enabled the online archive and moved mail older than two years into it; 40% free now.",
        "Is it OK if we move mail older than two years to your online archive?",
    ),
    Issue(
        "Onboarding", "New starter on Monday - laptop and accounts",
        "Tomás Ferreira joins Finance on Monday. He needs a laptop, accounts, the finance drive and a desk phone.",
        ("high", "medium"),
        "Standard onboarding; the finance drive needs the department head's approval.",
        "Created the accounts, imaged and enrolled the laptop, mapped the finance drive and set up the desk phone.",
        "Which distribution lists and shared drives should Tomás have besides Finance?",
    ),
    Issue(
        "Offboarding", "Leaver: disable contractor accounts on Friday",
        "Our contractor's engagement ends Friday 17:00. Please disable the accounts and collect the laptop.",
        ("medium", "high"),
        "Standard offboarding; mailbox to be shared with the manager for 30 days.",
        "Disabled the accounts at 17:00, shared the mailbox with the manager and wiped the returned laptop.",
        "Should the mailbox be forwarded to you or converted to a shared mailbox?",
    ),
    Issue(
        "Hardware", "Laptop won't power on after last night's update",
        "My laptop installed updates overnight and now it won't turn on at all, just a blinking light.",
        ("high", "urgent"),
        "The firmware update left the embedded controller hung.",
        "Did an embedded-controller reset (battery disconnect); the laptop boots and the update completed.",
        "What colour is the blinking light and how many blinks in a row?",
    ),
    Issue(
        "Hardware", "Laptop battery swelling - trackpad lifting",
        "The trackpad on my laptop is bulging up and the case doesn't close properly.",
        ("urgent", "high"),
        "Swollen battery: a fire risk, the laptop must not be used.",
        "Swapped the laptop for a loaner, moved the data, sent the old one for battery replacement under warranty.",
        "Can you shut the laptop down now and bring it to the IT desk, or shall we collect it?",
    ),
    Issue(
        "Hardware", "Second monitor flickers on the docking station",
        "My second screen flickers every few seconds when the laptop is docked.",
        ("low", "medium"),
        "A faulty DisplayPort cable or outdated dock firmware.",
        "Replaced the DisplayPort cable and updated the dock firmware; no flicker since.",
        "Does it still flicker if you swap the two monitor cables on the dock?",
    ),
    Issue(
        "Hardware", "Replacement keyboard - the 'E' key sticks",
        "The E key on my desk keyboard sticks and I end up with 'eeeee' everywhere.",
        ("low",),
        "Worn key switch; not worth cleaning.",
        "Delivered a new keyboard to the desk.",
        "Do you prefer the compact or the full-size keyboard?",
    ),
    Issue(
        "Storage", "Can't open 'Q3 forecast [final] v2.xlsx' on the S: drive",
        "Excel says the file is locked for editing by 'another user' but nobody has it open.",
        ("medium", "high"),
        "A stale SMB session on the file server holds the lock.",
        "Closed the stale open-file session on the file server; the file opens normally.",
        "Does the message name the user who has it locked?",
    ),
    Issue(
        "Storage", "Shared drive S: missing after reboot",
        "After restarting this morning the S: drive is gone from This PC.",
        ("high", "medium"),
        "The drive mapping script failed because the laptop started off the network.",
        "Re-ran the mapping and moved it to a logon policy that retries once the network is up.",
        "Were you in the office or on the VPN when you started the laptop?",
    ),
    Issue(
        "Storage", "Access to the Marketing shared folder",
        "I've moved to the Marketing team and need read/write on the Marketing share.",
        ("low", "medium"),
        "Routine access request; needs the folder owner's approval.",
        "Added the requester to the Marketing-RW group after the folder owner approved.",
        "Could you ask the Marketing manager to approve the access by replying to this ticket?",
    ),
    Issue(
        "Software", "Install request: Adobe Acrobat Pro",
        "I need to edit and sign PDFs for contracts. Can I get Acrobat Pro installed?",
        ("low", "medium"),
        "Routine software request; a licence must be assigned first.",
        "Assigned a licence from the pool and deployed Acrobat Pro through software deployment.",
        "Which cost centre should the licence be charged to?",
    ),
    Issue(
        "Software", "Teams crashes whenever I share my screen",
        "As soon as I click Share in a Teams meeting the app closes. Happens every time.",
        ("medium", "high"),
        "The graphics driver crashes with hardware acceleration on.",
        "Updated the graphics driver and reset Teams' cache; screen sharing works.",
        "Could you tell me the exact time of the last crash so I can find it in the logs?",
    ),
    Issue(
        "Software", "Teams status stuck on [red]Busy[/red]",
        "My Teams status shows [red]Busy[/red] all day even when my calendar is empty.",
        ("low", "medium"),
        "A stuck presence state from an old meeting on the mobile app.",
        "Signed out of Teams on all devices and reset the presence; status follows the calendar again.",
        "Is Teams also installed on your phone?",
    ),
    Issue(
        "Software", "ERP client error 'License server unreachable'",
        "Nobody in the warehouse can open the ERP client: 'License server unreachable'. Shipping is stopped.",
        ("urgent", "high"),
        "The licence service on the application server stopped after patching.",
        "Restarted the licence service, set it to restart on failure and added monitoring.",
        "Is the error the same on every warehouse PC?",
    ),
    Issue(
        "Phones", "Desk phone shows 'No service'",
        "My desk phone has said 'No service' since we moved desks yesterday.",
        ("high", "medium"),
        "The new desk's wall port is not patched to the voice VLAN.",
        "Patched the port to the voice VLAN; the phone registered.",
        "What is the port number on the wall socket the phone is plugged into?",
    ),
    Issue(
        "Phones", "Voicemail PIN reset",
        "I've forgotten my voicemail PIN and can't listen to my messages.",
        ("low", "medium"),
        "Routine PIN reset.",
        "Reset the voicemail PIN and sent the temporary PIN by text message.",
        "Can you confirm the extension number?",
    ),
    Issue(
        "Phones", "Company mobile not syncing e-mail",
        "My work phone stopped getting new e-mails on Tuesday. Calendar still updates.",
        ("medium", "low"),
        "The device's mail profile was quarantined by the mobile-device policy.",
        "Released the device from quarantine and re-pushed the mail profile.",
        "Have you changed your phone's passcode or updated it recently?",
    ),
)

FIRST_NAMES = (
    "Aisha", "Bruno", "Carmen", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jonas", "Keisha", "Luca",
    "Mei", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Samuel", "Tanvi", "Uma", "Victor", "Wanjiru", "Xavier",
    "Yara", "Zoltan", "Beatriz", "Connor", "Daniela", "Emeka", "Freya", "Gustavo", "Hana", "Ivan", "Julia", "Kofi",
)
LAST_NAMES = (
    "Abara", "Bauer", "Castillo", "Dubois", "Eriksen", "Fontaine", "Gallagher", "Haddad", "Ishikawa", "Jovanovic",
    "Kaur", "Lindgren", "Moreau", "Nakamura", "Osei", "Petrov", "Quinn", "Rahman", "Santos", "Tanaka", "Umarov",
    "Varga", "Whitfield", "Xu", "Yilmaz", "Zielinski", "Achterberg", "Brennan", "Costa", "Delgado",
)
AREA_CODES = ("201", "312", "415", "617", "646", "720")

STEP_NOTES = {
    1: ("Went through the symptoms with {first} on a call.", "Reproduced the problem remotely.",
        "Confirmed the details in the description and the event log."),
    3: ("Theory confirmed in the logs.", "Tested it: confirmed.", "Confirmed by reproducing it on a test machine."),
    5: ("Checked with {first}: all working again.", "Verified end to end; added monitoring so we hear of it first."),
    6: ("Documented in the knowledge base.", "Added the fix to the KB article for this symptom."),
}
COMPLAINTS = (
    "This is the third time I am chasing this and I have a deadline. I want to speak to a manager.",
    "Honestly, this is taking far too long. Please escalate this to someone senior.",
)
ANSWERS = ("Here is what you asked for - screenshot attached.", "Sorry for the delay, the details are below.")
RELAPSES = ("Sorry, it is happening again this morning.", "It worked for a day but the problem is back.")
ESCALATION_NOTES = {
    "timing": ("Not fixed within target; needs more experienced eyes.", "Theory not confirmed by testing."),
    "unsatisfied": ("Client unhappy with how long this is taking.", "Client asked for a manager."),
    "disruptive": ("Client abusive with the technician; see internal note.", "Client hostile and uncooperative."),
    "other": ("Needs admin rights the next tier has.", "Vendor case needed; the next tier holds the support contract."),
}
DISRUPTION_NOTES = (
    "{first} shouted at me on the phone and threatened to 'go to the CEO'. Ended the call politely.",
    "{first} sent three abusive e-mails within an hour; not replying in kind.",
)


@dataclass(frozen=True, slots=True)
class Shape:
    """What a demo ticket should look like now: the state of each clock and what became of the ticket.

    `ack` is running/warning/breached while unacknowledged, met/met_late once acknowledged;
    a priority of None means it arrived without one and nobody triaged it (it counts as medium).
    `first_contact` tickets were phoned in and resolved on the call, which acknowledged them;
    `long_ago` ones were closed up to a year back (LONG_AGO_DAYS).
    """

    priority: str | None
    ack: str
    resolution: str = RUNNING
    status: str = ""
    escalations: tuple[str, ...] = ()
    flag_acknowledged: bool = False
    notified: bool = True
    reopened: bool = False
    resumed: bool = False
    fresh: bool = False
    first_contact: bool = False
    long_ago: bool = False

    @property
    def acknowledged(self) -> bool:
        return self.ack in (MET, MET_LATE)

    @property
    def final_status(self) -> str:
        if self.status:
            return self.status
        if not self.acknowledged:
            return "new"
        if self.resolution == PAUSED:
            return "waiting"
        return "closed" if self.resolution in (MET, MET_LATE) else "open"


DEFAULT_MIX = (
    # new, unacknowledged
    Shape("urgent", RUNNING, fresh=True),
    Shape(None, RUNNING, fresh=True),
    Shape(None, RUNNING),
    Shape("low", RUNNING),
    Shape("high", WARNING),
    Shape("medium", WARNING),
    Shape("urgent", WARNING),
    Shape("high", BREACHED),
    Shape(None, BREACHED),
    Shape("low", BREACHED),
    # open
    Shape("urgent", MET),
    Shape("high", MET),
    Shape("medium", MET),
    Shape("low", MET_LATE),
    Shape(None, MET),
    Shape("medium", MET, WARNING),
    Shape("high", MET_LATE, WARNING),
    Shape("low", MET, BREACHED),
    Shape("medium", MET, resumed=True),
    Shape("medium", MET, reopened=True),
    # waiting on the client
    Shape("medium", MET, PAUSED),
    Shape("low", MET, PAUSED),
    Shape("high", MET, BREACHED, status="waiting"),
    # escalated: every reason at tier 2 and at tier 3
    Shape("high", MET, WARNING, escalations=("timing",)),
    Shape("urgent", MET, BREACHED, escalations=("timing", "timing")),
    Shape("medium", MET, WARNING, escalations=("timing", "unsatisfied")),
    Shape("high", MET_LATE, BREACHED, escalations=("other", "other", "unsatisfied"), flag_acknowledged=True),
    Shape("medium", MET, escalations=("disruptive",)),
    Shape("low", MET, WARNING, escalations=("timing", "disruptive"), flag_acknowledged=True),
    Shape("medium", MET, escalations=("other",)),
    Shape("urgent", MET, escalations=("other", "other")),
    # resolved, waiting to be closed
    Shape("medium", MET, MET, status="resolved"),
    Shape("high", MET, MET_LATE, status="resolved", notified=False),
    # closed
    Shape("urgent", MET, MET),
    Shape("high", MET, MET),
    Shape("medium", MET_LATE, MET_LATE),
    Shape("low", MET, MET),
    Shape("medium", MET, MET, escalations=("timing",)),
    Shape("high", MET, MET_LATE, escalations=("unsatisfied",), flag_acknowledged=True),
    Shape("urgent", MET_LATE, MET),
)
# Beyond the default mix, most of a big store is history, as in a real help desk; most of that was
# sorted out on the first call, which also keeps big stores quick to make.
HISTORY = (
    *(Shape(priority, MET, MET, first_contact=True, long_ago=True) for priority in PRIORITIES * 3),
    Shape("urgent", MET_LATE, MET, first_contact=True, long_ago=True),
    Shape("high", MET_LATE, MET, first_contact=True, long_ago=True),
    Shape("medium", MET, MET, long_ago=True),
    Shape("high", MET_LATE, MET_LATE, long_ago=True),
    Shape("low", MET, MET_LATE, long_ago=True),
)
HISTORY_SHARE = 0.8
LONG_AGO_DAYS = 250  # days of the ticket's calendar: about a year of business days
WORKING_SET = 400  # beyond the default mix, at most about this many more tickets take its shapes, mostly not closed:
# a desk works a few hundred tickets at a time, however long its history


def demo_tickets(now: datetime, policy: SlaPolicy, count: int | None = None, seed: int | None = None) -> list[Ticket]:
    """`count` demo tickets (default: one of each shape of DEFAULT_MIX) with ids 1..count, in order of creation."""
    rng = random.Random(DEFAULT_SEED if seed is None else seed)
    shapes = _shapes(len(DEFAULT_MIX) if count is None else count, rng)
    factory = _TicketFactory(int(now.timestamp()), policy, rng)
    plans = sorted((factory.plan(shape) for shape in shapes), key=lambda plan: plan.created_s)
    return [plan.build(ticket_id) for ticket_id, plan in enumerate(plans, start=1)]


def write_demo_store(
    path: Path | str, now: datetime, policy: SlaPolicy, count: int | None = None, seed: int | None = None
) -> int:
    """Create the store at path with the demo tickets in one write; returns how many. Refuses a store with tickets."""
    store = open_store(path, create=True, clock=lambda: now)
    if store.history():
        raise InputError(f"{path} already holds tickets; give a new path for the demo store")
    return len(store.add_many(demo_tickets(now, policy, count, seed)))


def _shapes(count: int, rng: random.Random) -> list[Shape]:
    if count < 0:
        raise InputError(f"count: {count} is negative")
    beyond = count - len(DEFAULT_MIX)
    history_share = max(HISTORY_SHARE, 1 - WORKING_SET / max(beyond, 1))
    extra = [rng.choice(HISTORY) if rng.random() < history_share else rng.choice(DEFAULT_MIX) for _ in range(beyond)]
    return [*DEFAULT_MIX[:count], *extra]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A ticket's creation and its history as actions at business-second offsets from its creation."""

    created_s: int
    calendar: Calendar
    issue: Issue
    requester: Requester
    creator: str
    priority: str | None
    actions: tuple[tuple[int, Action], ...]

    def build(self, ticket_id: int) -> Ticket:
        """Run the history through the SOP actions."""
        issue = self.issue
        ticket = rules.create(
            ticket_id, issue.subject, self.requester, _utc(self.created_s), self.creator, issue.body,
            self.priority, issue.category,
        )
        for offset, action in self.actions:
            ticket = action(ticket, _utc(self.calendar.add_s(self.created_s, offset)))
        return ticket


class _Script:
    """A history being written: actions at business-second offsets, and how long the resolution clock ran."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.at = 0
        self.used = 0
        self.actions: list[tuple[int, Action]] = []

    def then(self, *actions: Action) -> None:
        self.actions.extend((self.at, action) for action in actions)

    def run_to(self, used: float) -> None:
        """Let the resolution clock run until it has used `used` seconds."""
        step = max(0, round(used) - self.used)
        self.at += step
        self.used += step

    def pause(self, seconds: float) -> None:
        """Time passes while the resolution clock is stopped (waiting, resolved)."""
        self.at += max(0, round(seconds))

    def spread(self, until_used: float, actions: Sequence[Action]) -> None:
        """The actions at random moments, in order, while the clock runs on to `until_used`."""
        start = self.used
        span = max(0, round(until_used) - start)
        for point, action in zip(sorted(self.rng.random() for _ in actions), actions):
            self.run_to(start + point * span)
            self.then(action)
        self.run_to(start + span)


@dataclass(frozen=True, slots=True)
class _Cast:
    """Who and what one demo ticket is about, and the targets its clocks run against."""

    shape: Shape
    issue: Issue
    requester: Requester
    tech: str
    phoned: bool
    calendar: Calendar
    ack_target: int
    resolve_target: int

    @property
    def first_name(self) -> str:
        return self.requester.name.split()[0]

    def intake(self) -> list[Action]:
        """Triage and assignment; an untriaged ticket has had neither."""
        priority, tech = self.shape.priority, self.tech
        if priority is None:
            return []
        assign = _assign(tech, tech)
        return [assign] if self.phoned else [lambda t, at: rules.set_priority(t, tech, at, priority), assign]


class _TicketFactory:
    """Plans demo tickets at one `now` with one random generator."""

    def __init__(self, now_s: int, policy: SlaPolicy, rng: random.Random) -> None:
        self.now_s = now_s
        self.policy = policy
        self.rng = rng
        self.people: dict[str, Requester] = {}
        self.deck: list[Issue] = []
        self.day_s: dict[Calendar, float] = {}

    def plan(self, shape: Shape) -> _Plan:
        """Where a ticket of this shape starts, and what happens to it until now."""
        rng = self.rng
        priority = shape.priority or "medium"
        cast = _Cast(
            shape,
            self._issue(shape.priority),
            self._requester(),
            rng.choice(FIRST_LINE),
            shape.first_contact or (shape.priority is not None and rng.random() < 0.3),
            self.policy.calendar_for(priority),
            self.policy.ack_target_s(priority),
            self.policy.resolve_target_s(priority),
        )
        script = _Script(rng)
        if shape.fresh:
            created_s = self.now_s - rng.randint(2, 15) * 60
        else:
            if shape.first_contact:
                self._first_contact(script, cast)
            elif not shape.acknowledged:
                self._unanswered(script, cast)
            else:
                self._worked(script, cast)
            created_s = _start_for(cast.calendar, self.now_s, script.at)
        return _Plan(
            created_s,
            cast.calendar,
            cast.issue,
            cast.requester,
            cast.tech if cast.phoned else INTAKE,
            shape.priority if cast.phoned else None,
            tuple(script.actions),
        )

    def _first_contact(self, script: _Script, cast: _Cast) -> None:
        """Phoned in and fixed on the call: the resolution message is the first reply, so it acknowledges."""
        script.run_to(self._used(cast.shape.ack, cast.ack_target))
        script.then(_resolve(cast.tech, cast.issue.fix, True))
        script.pause(self._days(cast.calendar, 0.05, 2))
        script.then(_close(cast.tech))
        script.pause(self._days(cast.calendar, 1, 365))

    def _unanswered(self, script: _Script, cast: _Cast) -> None:
        """Still new: maybe triaged and assigned, maybe a voicemail left, but no reply to the client."""
        used = self._used(cast.shape.ack, cast.ack_target)
        script.spread(used * 0.2, cast.intake())
        if cast.shape.ack == BREACHED and self.rng.random() < 0.7:
            voicemail = f"Tried to call {cast.first_name}, no answer; left a voicemail."
            script.spread(used * 0.8, [_note(cast.tech, voicemail)])
        script.run_to(used)

    def _worked(self, script: _Script, cast: _Cast) -> None:
        """Acknowledged and troubleshot; then, as the shape says, escalated, waiting, resolved or closed."""
        rng, shape, tech, calendar = self.rng, cast.shape, cast.tech, cast.calendar
        ack_at = self._used(shape.ack, cast.ack_target)
        script.spread(ack_at * 0.5, cast.intake())
        script.run_to(ack_at)
        script.then(_acknowledge(tech))
        end = self._used(shape.resolution, cast.resolve_target, floor=ack_at * 1.25)
        done = 6 if shape.resolution in (MET, MET_LATE) else 4 if shape.reopened else rng.randint(1, 3)
        steps = [_step(tech, n, self._step_note(n, cast)) for n in range(1, done + 1)]
        if shape.reopened:
            self._reopened(script, cast, end, steps)
            return
        if shape.resumed:
            self._resumed(script, cast, end, steps)
            return
        escalate_from = max(script.used + (end - script.used) / 2, self._warning_from(cast.resolve_target))
        script.spread(min(escalate_from, end), steps)
        script.spread(end, self._escalations(cast))
        status = shape.final_status
        if status == "waiting":
            script.then(_reply(tech, cast.issue.question), _waiting(tech, True))
            script.pause(self._days(calendar, 0.05, 3))
        elif status in ("resolved", "closed"):
            script.then(_resolve(tech, cast.issue.fix, shape.notified))
            if status == "closed":
                script.pause(self._days(calendar, 0.05, 2))
                script.then(_close(tech))
            script.pause(self._days(calendar, 1, LONG_AGO_DAYS) if shape.long_ago else self._days(calendar, 0.02, 5))

    def _resumed(self, script: _Script, cast: _Cast, end: int, steps: list[Action]) -> None:
        """Asked the client something, waited for the answer, carried on."""
        rng, tech = self.rng, cast.tech
        ask_at = script.used + (end - script.used) * rng.uniform(0.3, 0.6)
        script.spread(ask_at, [*steps[:2], _reply(tech, cast.issue.question)])
        script.then(_waiting(tech, True))
        script.pause(self._days(cast.calendar, 0.1, 1.5))
        script.then(_client(cast.requester, rng.choice(ANSWERS)), _waiting(tech, False))
        script.spread(end, steps[2:])

    def _reopened(self, script: _Script, cast: _Cast, end: int, steps: list[Action]) -> None:
        """Resolved (perhaps closed), then the client said it is back, so it was reopened."""
        rng, tech = self.rng, cast.tech
        fixed_at = script.used + (end - script.used) * rng.uniform(0.4, 0.7)
        script.spread(fixed_at, steps)
        script.then(_resolve(tech, cast.issue.fix, True))
        if rng.random() < 0.5:
            script.pause(self._days(cast.calendar, 0.05, 1))
            script.then(_close(tech))
        script.pause(self._days(cast.calendar, 0.1, 2))
        script.then(_client(cast.requester, rng.choice(RELAPSES)), _reopen(tech))
        script.spread(end, [_reply(tech, "Sorry to hear that - I have reopened your ticket and am on it again.")])

    def _escalations(self, cast: _Cast) -> list[Action]:
        """Each escalation of the shape, after what led to it; a manager takes note if the shape says so."""
        rng = self.rng
        actions: list[Action] = []
        for reason in cast.shape.escalations:
            if reason == "unsatisfied":
                actions.append(_client(cast.requester, rng.choice(COMPLAINTS)))
            elif reason == "disruptive":
                actions.append(_note(cast.tech, rng.choice(DISRUPTION_NOTES).format(first=cast.first_name)))
            actions.append(_escalate(reason, rng.choice(ESCALATION_NOTES[reason])))
            if reason in MANAGER_REASONS and cast.shape.flag_acknowledged:
                actions.append(_manager_acknowledges)
        return actions

    def _used(self, state: str, target: int, floor: float = 0) -> int:
        """Business seconds of a clock's target used, so that it reads `state`."""
        warning_from = self._warning_from(target)
        low, high = {
            RUNNING: (0.15 * warning_from, 0.85 * warning_from),
            PAUSED: (0.15 * warning_from, 0.85 * warning_from),
            WARNING: (warning_from + 0.2 * (target - warning_from), warning_from + 0.8 * (target - warning_from)),
            MET: (0.2 * target, 0.9 * target),
            BREACHED: (1.1 * target, 1.6 * target),
            MET_LATE: (1.1 * target, 1.6 * target),
        }[state]
        low = max(low, floor)
        return round(self.rng.uniform(low, max(low, high)))

    def _warning_from(self, target: int) -> float:
        """Business seconds used when a clock with this target turns to warning."""
        if self.policy.warn_before_s is not None:
            return max(0.0, target - self.policy.warn_before_s)
        if self.policy.warn_at is not None:
            return self.policy.warn_at * target
        return float(target)

    def _days(self, calendar: Calendar, low: float, high: float) -> float:
        """Business seconds in a random number of calendar days between low and high."""
        if calendar not in self.day_s:
            self.day_s[calendar] = calendar.elapsed_s(self.now_s - 28 * _DAY, self.now_s) / 28
        return self.rng.uniform(low, high) * self.day_s[calendar]

    def _issue(self, priority: str | None) -> Issue:
        """The next issue that suits the priority from a shuffled deck, so issues rarely repeat in a small store."""
        fits = next((n for n, issue in enumerate(self.deck) if priority is None or priority in issue.priorities), None)
        if fits is None:
            # keep at most one deck of leftovers, which this priority's demand may never use up
            self.deck = [*self.deck[-len(ISSUES) :], *self.rng.sample(ISSUES, len(ISSUES))]
            return self._issue(priority)
        return self.deck.pop(fits)

    def _requester(self) -> Requester:
        """Someone from the staff (example.com) or a partner (example.org); the same name is the same person."""
        rng = self.rng
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in self.people:
            domain = "example.org" if rng.random() < 0.2 else "example.com"
            phone = f"+1 {rng.choice(AREA_CODES)} 555 01{rng.randrange(100):02d}" if rng.random() < 0.8 else ""
            self.people[name] = Requester(name, f"{name.replace(' ', '.').lower()}@{domain}", phone)
        return self.people[name]

    def _step_note(self, step: int, cast: _Cast) -> str:
        if step == 2:
            return cast.issue.theory
        if step == 4:
            return cast.issue.fix
        return self.rng.choice(STEP_NOTES[step]).format(first=cast.first_name)


def _start_for(calendar: Calendar, now_s: int, business_s: int) -> int:
    """The earliest instant from which `business_s` seconds of the calendar's time pass until now_s."""
    span = max(business_s, _DAY)
    while calendar.elapsed_s(now_s - span, now_s) < business_s:
        span *= 2
    anchor = now_s - span
    return round(calendar.add_s(anchor, calendar.elapsed_s(anchor, now_s) - business_s))


def _utc(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, timezone.utc)


def _assign(actor: str, login: str) -> Action:
    return lambda t, at: rules.assign(t, actor, at, login)


def _acknowledge(tech: str) -> Action:
    return lambda t, at: rules.acknowledge(t, tech, at, rules.acknowledgement_message(t))


def _note(tech: str, text: str) -> Action:
    return lambda t, at: rules.note(t, tech, at, text)


def _reply(tech: str, text: str) -> Action:
    return lambda t, at: rules.reply(t, tech, at, f"Hello {t.requester.name.split()[0]},\n\n{text}")


def _step(tech: str, step: int, note_text: str) -> Action:
    return lambda t, at: rules.complete_step(t, t.assignee or tech, at, step, note_text)


def _waiting(tech: str, waiting: bool) -> Action:
    return lambda t, at: rules.set_waiting(t, tech, at, waiting)


def _client(requester: Requester, text: str) -> Action:
    """A message from the requester: no SOP action, just a client entry on the timeline."""
    return lambda t, at: t.evolve(
        timeline=t.timeline + (TimelineEntry(at=at, author=requester.name, kind="client", text=text),)
    )


def _escalate(reason: str, note_text: str) -> Action:
    """Escalate as the current assignee, and hand the ticket to the owner of the tier it reaches."""

    def act(ticket: Ticket, at: datetime) -> Ticket:
        actor = ticket.assignee or FIRST_LINE[0]
        escalated = rules.escalate(ticket, actor, at, reason, note_text)
        owner = TIER_OWNER[escalated.tier]
        if escalated.tier == ticket.tier or escalated.assignee == owner:
            return escalated
        return rules.assign(escalated, actor, at, owner)

    return act


def _manager_acknowledges(ticket: Ticket, at: datetime) -> Ticket:
    return rules.acknowledge_manager_flag(ticket, MANAGER, at, is_manager=True)


def _resolve(tech: str, summary: str, notify: bool) -> Action:
    return lambda t, at: rules.resolve(t, t.assignee or tech, at, summary, notify)


def _close(tech: str) -> Action:
    return lambda t, at: rules.close(t, t.assignee or tech, at)


def _reopen(tech: str) -> Action:
    return lambda t, at: rules.reopen(t, t.assignee or tech, at)
