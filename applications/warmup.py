"""A worker's first form check costs what later ones do: the newest catalogue is read and indexed, and the
workbook readers imported, when the worker process starts (see leo_access.warmup)."""


def catalogue_and_readers():
    import python_calamine  # noqa: F401 - the reader the checks use

    from .vrf_catalogue import catalogue_for_version, current_catalogue

    newest = current_catalogue()
    if newest is None:
        return
    catalogue = catalogue_for_version(newest.form_version)
    catalogue.table_for(sheet="", name="")
    for table in catalogue.tables:
        table.alias_keys  # noqa: B018 - the per-table index the checks read
