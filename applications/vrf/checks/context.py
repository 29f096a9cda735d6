"""What every check can see."""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..catalogue import Catalogue
from ..form import FormContents, Item
from ..tables import LINKING, ResolvedTable

SUPPORTED_VERSIONS = ("2.3",)


@dataclass
class Context:
    form: FormContents
    tables: list[ResolvedTable]
    catalogue_for_version: Callable[[str], Catalogue | None] | None = None
    # Ticked items with their tables, in form order (including ticks on tables the summary does not request).
    requested_items: list[tuple[ResolvedTable, Item]] = field(init=False)

    def __post_init__(self):
        self.requested_items = [
            (table, item) for table in self.tables if table.sheet is not None for item in table.sheet.ticked()
        ]

    @property
    def summary_sheet(self) -> str | None:
        return self.form.summary.sheet if self.form.summary else None

    @property
    def answerable_tables(self) -> list[ResolvedTable]:
        """Tables of the summary a researcher chooses; linking tables are always included, so they are not."""
        return [table for table in self.tables if table.row is not None and table.family != LINKING]

    @property
    def anything_requested(self) -> bool:
        return any(table.is_requested for table in self.answerable_tables) or bool(self.requested_items)
