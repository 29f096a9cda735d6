"""The catalogue of LEO datasets, tables and variables, versioned by Variable Request Form version."""

from django.db import models


class Owner(models.TextChoices):
    DFE = "dfe", "DfE"
    HMRC = "hmrc", "HMRC"
    DWP = "dwp", "DWP"
    ONS = "ons", "ONS"


class Catalogue(models.Model):
    """What one version of the official form offers. Importing the same version again changes nothing."""

    form_version = models.CharField(max_length=20, unique=True)
    form_date = models.CharField(max_length=50, blank=True)
    source_name = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    # A demo catalogue is replaced when the official form of the same version is imported.
    is_demo = models.BooleanField(default=False)
    # The form's own prose, so that the template written from the catalogue is the whole form.
    overview = models.TextField(blank=True)
    covid_impact = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-form_version"]

    def __str__(self):
        return f"Variable Request Form v{self.form_version}"


class CatalogueDataset(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=100)
    departments = models.JSONField(default=list)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["catalogue", "position"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "name"], name="one_dataset_name_per_catalogue")]

    def __str__(self):
        return self.name


class CatalogueTable(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="tables")
    dataset = models.ForeignKey(CatalogueDataset, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(max_length=200)
    # The sheet's name exactly as in the form (trailing spaces and all); blank when the table has no sheet.
    sheet_name = models.CharField(max_length=100, blank=True)
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    owner = models.CharField(max_length=10, choices=Owner.choices)
    family = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["catalogue", "position"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "position"], name="one_table_per_position_in_catalogue")
        ]

    def __str__(self):
        return f"{self.dataset.name}: {self.name}"


class CatalogueVariable(models.Model):
    table = models.ForeignKey(CatalogueTable, on_delete=models.CASCADE, related_name="variables")
    alias = models.CharField(max_length=200)
    field_reference = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    # Usually a range of years, but the official form also writes notes of several hundred characters here.
    years_populated = models.TextField(blank=True)
    # 1 (most identifying) to 5; sensitivity A (most sensitive) to E.
    identification_risk = models.PositiveSmallIntegerField(null=True, blank=True)
    sensitivity = models.CharField(max_length=5, blank=True)
    # by_request, default or included: which part of the table's sheet the variable is in.
    section = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["table", "position"]
        indexes = [models.Index(fields=["table", "alias"])]

    def __str__(self):
        return self.alias
