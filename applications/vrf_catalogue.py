"""The catalogue in the database: importing it from an official form, and what the checks read from it."""

from .models import Application, Catalogue


def current_catalogue() -> Catalogue | None:
    """The newest form version imported; the template researchers download is made from it."""
    return Catalogue.objects.order_by("-imported_at").first()


def catalogue_for_version(version: str):
    """The catalogue of one form version, as the validator reads it, or None when none is imported."""
    from .vrf.catalogue import catalogue_from_rows

    catalogue = Catalogue.objects.filter(form_version=version).first()
    if catalogue is None:
        return None
    return catalogue_from_rows(catalogue)


def template_for(application: Application) -> bytes | None:
    from .vrf.template import write_template

    catalogue = current_catalogue()
    if catalogue is None:
        return None
    return write_template(catalogue_for_version(catalogue.form_version), reference=application.reference)
