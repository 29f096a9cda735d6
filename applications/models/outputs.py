"""What a project leaves behind when it closes: its closure return and its outputs.

A closed project owes the accreditation service a closure return: the outputs and publications it produced, a
short final report, and the co-ordinator's confirmation that pre-publication material held outside the Secure
Research Service has been destroyed. The return row is made as the project closes (its `due_on` fixed then), is
filled in by the co-ordinator, and is sent once. Outputs belong to the project, not the return, so the project
page and both registers list them for as long as the project is listed.
"""

from django.conf import settings
from django.db import models

from .application import Application


class ClosureReturn(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="closure_return")
    # The day the return is due: CLOSURE_RETURN_DAYS after the project closed (applications.service_levels).
    due_on = models.DateField()
    final_report = models.TextField(blank=True)
    materials_destroyed = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["due_on"], name="closure_return_unsent", condition=models.Q(submitted_at=None))]

    def __str__(self):
        return f"Closure return for {self.application_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ProjectOutput(models.Model):
    class Kind(models.TextChoices):
        JOURNAL_ARTICLE = "journal_article", "Journal article"
        WORKING_PAPER = "working_paper", "Working paper"
        REPORT = "report", "Report"
        BOOK = "book", "Book or chapter"
        THESIS = "thesis", "Thesis"
        PRESENTATION = "presentation", "Presentation"
        DATASET = "dataset", "Dataset or code"
        OTHER = "other", "Other"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="outputs")
    title = models.CharField(max_length=500)
    kind = models.CharField("Type", max_length=30, choices=Kind.choices)
    published_on = models.DateField()
    # A DOI (10.1234/abcd) or the address where the output can be read.
    link = models.CharField(max_length=500)
    output_checked = models.BooleanField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["published_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def url(self) -> str:
        """Where a reader follows the output: a DOI through doi.org, an address as given."""
        if self.link.startswith("10."):
            return f"https://doi.org/{self.link}"
        return self.link
