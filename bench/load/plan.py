"""Who the simulated users are and how much work is seeded for them.

Shared by the runner (`run.py`, `seed.py`, `verify.py`) and the locustfile; it imports nothing from Django.

Every simulated person has an account of their own. Staff come in crews of six, one per team (RAS intake,
DfE, HMRC, DWP, the panel, delegated accreditation); each crew's applications carry its tag in their title, and
each crew member finds their work by searching their team's queue for it. Within a crew each team has one person,
so no two simulated people ever try to make the same decision on the same application.

Once every department has approved, the service sends an application to a delegated official when it meets the
admin-set criteria (`applications.delegation`, the criteria as a new installation has them) and to the panel
otherwise; the seeding makes half of each crew's applications meet them, so both routes are taken. The panel
accredits only at a meeting, so the panel member reads their queue, the reviews and the decision form without
recording a decision; the delegated official accredits.
"""

import base64
import hashlib
import hmac
import math
import struct
from dataclasses import dataclass

# Each crew member's team (the queue's address), and the decision page they use.
STAFF_ROLES = ("ras", "dfe", "hmrc", "dwp", "panel", "delegated")
TEAM = {"ras": "intake", "dfe": "dfe", "hmrc": "hmrc", "dwp": "dwp", "panel": "panel", "delegated": "delegated"}
DECISION_PAGE = {
    "ras": "intake",
    "dfe": "department",
    "hmrc": "department",
    "dwp": "department",
    "panel": "panel",
    "delegated": "delegated",
}
# The decision each crew member records (the panel member none: the panel accredits at a meeting), and the event
# the service must log for it.
DECISION = {
    "ras": "intake_pass",
    "dfe": "department_approve",
    "hmrc": "department_approve",
    "dwp": "department_approve",
    "panel": None,
    "delegated": "delegated_accredit",
}
EVENT_KIND = {
    "intake_pass": "intake_passed",
    "department_approve": "department_approved",
    "delegated_accredit": "accredited",
}
# Where an application goes once every department has approved, by whether it meets the delegation criteria.
ROUTES = ("delegated", "panel")
DEPARTMENTS = ("dfe", "hmrc", "dwp")

# The pages whose figures are reported together as "main pages", beside the bare page's.
MAIN_PAGES = (
    "application list",
    "application page",
    "data page",
    "queue page",
    "queue search",
    "my work",
    "review page",
    "decision form",
)
POSTS = ("decision POST", "upload POST")

MIN_USERS = 8
DRAFTS_PER_RESEARCHER = 2


@dataclass(frozen=True)
class Mix:
    researchers: int
    crews: int
    bare: int

    @property
    def staff(self) -> int:
        return self.crews * len(STAFF_ROLES)

    @property
    def total(self) -> int:
        return self.researchers + self.staff + self.bare


def mix_for(users: int) -> Mix:
    """About two fifths researchers, half staff (in crews of six) and a tenth on the bare page."""
    if users < MIN_USERS:
        raise ValueError(f"The load test needs at least {MIN_USERS} simulated users (one crew of six staff).")
    bare = max(1, round(users / 10))
    crews = max(1, round(users / 10))
    return Mix(researchers=users - bare - crews * len(STAFF_ROLES), crews=crews, bare=bare)


def per_stage(run_seconds: int) -> int:
    """Applications seeded at each stage for each crew: more than one person can decide in the run."""
    return max(10, math.ceil(run_seconds / 60 * 8) + 5)


def crew_tag(crew: int) -> str:
    return f"[crew-{crew:02d}]"


def researcher_email(number: int) -> str:
    return f"load-researcher-{number:03d}@example.org"


def staff_email(role: str, crew: int) -> str:
    return f"load-{role}-{crew:02d}@example.org"


CO_APPLICANT_EMAIL = "load-co-applicant@example.org"


def bare_email(number: int) -> str:
    return f"load-bare-{number:02d}@example.org"


def totp_code(secret: str, at: float, *, period: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows at `at` (RFC 6238 with SHA-1, as allauth.mfa checks it)."""
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at) // period), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{value:0{digits}d}"
