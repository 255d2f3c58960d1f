"""The demo's scenario data: its team, the issues clients report with how each is worked, names, notes, and the
mix of shapes (which state each clock should be in now, what became of the ticket) that `generator` plays out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sopdash.core.clocks import BREACHED, MET, MET_LATE, PAUSED, RUNNING, WARNING
from sopdash.core.model import PRIORITIES, Ticket
from sopdash.core.roster import Member, Roster

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
