"""The Research Accreditation Panel's quorum: at least three members present, at least one of them independent.

One function, for creating a meeting and for every decision a meeting records, so that a meeting stored some
other way (the admin, a data fix) still cannot decide short of the quorum.
"""

MINIMUM_MEMBERS = 3  # spelt out in the message below


def quorum_problem(members: list[str], independents: list[str]) -> str | None:
    """Why the people present are not a quorum, or None."""
    if len(members) < MINIMUM_MEMBERS:
        return "A panel meeting needs at least three members present, one per line."
    if not independents:
        return "Name at least one independent member present."
    missing = [name for name in independents if name not in members]
    if missing:
        return f"Independent members must also be listed as present: {', '.join(missing)}."
    return None
