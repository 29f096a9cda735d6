"""Data conditions published with the form (sheet notes and the COVID19 Impact sheet)."""

import re

from ..findings import finding
from ..text import header_key
from ..years import requested_years
from .context import Context

# Pupil postcode data "from any source". A learning aim's delivery postcode locates a provider, not a person.
_POSTCODE = re.compile(r"postcode|pstcode")
_NOT_PERSONAL_POSTCODE = re.compile(r"delivery")
# Establishment identifiers (School Name, URNs, LAESTABs, etc.), including FE providers' UKPRN and UPIN because the
# KS5 commitment covers colleges. Establishment *types* (..._NFTYPE) identify no one.
_ESTABLISHMENT = re.compile(r"laestab|(^|[^a-z])urn([^a-z]|$)|(^|_)estab|dfe_?no|ukprn|upin|school_?name|schname")
_NOT_ESTABLISHMENT = re.compile(r"type")
# DfE will not share establishment IDs alongside attainment for these end years (2019/20, 2020/21; KS2 2021/22).
_COVID_ATTAINMENT_YEARS = {"ks4": {2020, 2021}, "ks5": {2020, 2021}, "ks2": {2022}}


def check_conditions(context: Context):
    yield from _cin_cla_with_postcode(context)
    yield from _establishment_ids_with_covid_attainment(context)
    for table in context.tables:
        if not table.is_requested or table.row is None:
            continue
        if table.is_("absence") and (table.coverage is None or 2020 in table.coverage):
            yield finding(
                "absence_2019_20_not_shared",
                f"'{table.name}' covers 2019/20, but 2019/20 absence data is not shared (it was not fully "
                "collected because of COVID-19). You will receive absence data for the other years only.",
                sheet=context.summary_sheet,
                cell=table.row.answer_cell,
            )
        if table.is_("cjrs", "seiss"):
            yield finding(
                "hmrc_consultation_required",
                f"Results using '{table.name}' (a COVID-19 support scheme) may be published only after consulting "
                "HMRC. Allow time for this in your publication plans.",
                sheet=context.summary_sheet,
                cell=table.row.answer_cell,
            )


def _cin_cla_with_postcode(context: Context):
    social_care = [table for table in context.tables if table.is_("cin", "cla") and _in_use(table)]
    if not social_care:
        return
    names = " and ".join(f"'{table.name}'" for table in social_care)
    for table, item in context.requested_items:
        text = header_key(f"{item.alias} {item.field_reference or ''}")
        if _POSTCODE.search(text) and not _NOT_PERSONAL_POSTCODE.search(text):
            yield finding(
                "cin_cla_with_postcode",
                f"{item.alias} is pupil postcode data, which may not be used together with CIN or CLA data, and "
                f"this request includes {names}. Remove the postcode item or the CIN/CLA tables.",
                sheet=table.sheet.name,
                cell=item.alias_cell,
            )


def _establishment_ids_with_covid_attainment(context: Context):
    restricted: set[int] = set()
    attainment = []
    for table in context.tables:
        for stage, years in _COVID_ATTAINMENT_YEARS.items():
            if table.is_(stage) and _in_use(table) and (table.coverage is None or years & table.coverage):
                restricted |= years if table.coverage is None else years & table.coverage
                attainment.append(table.name)
    if not restricted:
        return
    by_sheet: dict[str, list] = {}
    for table, item in context.requested_items:
        text = f"{item.alias} {item.field_reference or ''}".casefold()
        if not _ESTABLISHMENT.search(text) or _NOT_ESTABLISHMENT.search(text):
            continue
        years = requested_years(item.years) or table.coverage
        if years is None or years & restricted:
            by_sheet.setdefault(table.sheet.name, []).append(item)
    names = ", ".join(f"'{name}'" for name in dict.fromkeys(attainment))
    for sheet, items in by_sheet.items():
        aliases = ", ".join(item.alias for item in items)
        yield finding(
            "establishment_ids_with_covid_attainment",
            f"Establishment identifiers ({aliases}) are requested for years that overlap {names}, whose attainment "
            "for 2019/20 and 2020/21 (2021/22 for KS2) DfE does not share alongside establishment IDs. Expect those "
            "years to be withheld or pseudonymised school IDs offered instead; say in your justification if you "
            "need to distinguish schools.",
            sheet=sheet,
            cell=items[0].alias_cell,
        )


def _in_use(table) -> bool:
    return table.is_requested or bool(table.sheet is not None and table.sheet.ticked())
