"""The last row of each hash-chained log, to keep beside a backup.

A chain shows that no row was changed, removed or reordered, but not that rows were cut from its end: a log
truncated after its row 900 is a whole chain of 900 rows. Recording each log's last id and hash when a backup
is made, and checking a restored database against them, closes that gap.
"""

import json
from dataclasses import dataclass

from .hash_chain import chained_logs


@dataclass(frozen=True)
class Head:
    log: str
    id: int | None
    row_hash: str


def heads() -> list[Head]:
    """Each chained log's last row (id None and an empty hash for an empty log)."""
    found = []
    for model in chained_logs():
        last = model._base_manager.order_by("-pk").values_list("pk", "row_hash").first()
        found.append(Head(model._meta.db_table, *(last or (None, ""))))
    return found


def dumps(found: list[Head]) -> str:
    return json.dumps({head.log: {"id": head.id, "row_hash": head.row_hash} for head in found}, indent=2)


def loads(text: str) -> list[Head]:
    """Heads as `dumps` wrote them; ValueError saying what is wrong otherwise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"it is not JSON ({error})") from error
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object of logs")
    found = []
    for log, head in data.items():
        if not (isinstance(head, dict) and isinstance(head.get("row_hash"), str)):
            raise ValueError(f"{log} has no row_hash")
        pk = head.get("id")
        if pk is not None and (not isinstance(pk, int) or isinstance(pk, bool)):
            raise ValueError(f"{log} has an id that is not a number")
        found.append(Head(log, pk, head["row_hash"]))
    return found


def missing_heads(expected: list[Head]) -> list[str]:
    """What is wrong with this database against heads recorded earlier: each recorded last row must still be
    there with the same hash (rows added since are fine). Run after the chains themselves are verified."""
    models = {model._meta.db_table: model for model in chained_logs()}
    problems = []
    for head in expected:
        model = models.get(head.log)
        if model is None:
            problems.append(f"{head.log} is not a chained log of this service")
            continue
        if head.id is None:
            continue
        stored = model._base_manager.filter(pk=head.id).values_list("row_hash", flat=True).first()
        if stored is None:
            problems.append(f"{head.log}: row id {head.id}, its last row when the heads were recorded, is missing")
        elif stored != head.row_hash:
            problems.append(f"{head.log}: row id {head.id} does not have the hash recorded for it")
    return problems
