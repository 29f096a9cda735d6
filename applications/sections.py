"""The fields each task-list section holds: the one list that the section forms edit, the section statuses
judge, `save_section` accepts and a copy carries into a new draft."""

from .rules import Section

SECTION_FIELDS: dict[Section, tuple[str, ...]] = {
    Section.PROJECT: (
        "title",
        "lay_summary",
        "abstract",
        "research_questions",
        "methodology",
        "software",
        "start_date",
        "end_date",
        "funder",
    ),
    Section.PUBLIC_BENEFIT: (
        "public_benefit_categories",
        "public_benefit_statement",
        "dissemination_plan",
        "publication_committed",
        "register_names_consent",
    ),
    Section.ETHICS: (
        "ethics_route",
        "ethics_self_assessment",
        "ethics_committee_name",
        "ethics_committee_reference",
        "ethics_approval_date",
        "ethics_approval_letter",
    ),
    Section.SAFEGUARDS: ("access_location", "aoc_organisation", "output_checking"),
}
# The ethics section is saved a page at a time: the route, then the evidence for that route.
ETHICS_ROUTE_FIELDS = ("ethics_route",)
ETHICS_COMMITTEE_FIELDS = ("ethics_committee_name", "ethics_committee_reference", "ethics_approval_date")
