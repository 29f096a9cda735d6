"""How the form's sheets and columns are recognised: by normalised header text (see text.header_key), never by
position, because real copies move, rename and reformat them."""

# Sheets that belong to the form's frame rather than to a table (compared with text.normalise).
FRONT_COVER = "front cover"
SUMMARY = "data tables"
FRAME_SHEETS = frozenset({FRONT_COVER, "overview", SUMMARY, "covid19 impact", "covid-19 impact", "covid 19 impact"})

# Columns of the Data Tables summary.
SUMMARY_DATASET = "dataset"
SUMMARY_TABLE = "table"
SUMMARY_DESCRIPTION = "description"
SUMMARY_ANSWER = "answer"
SUMMARY_ITEMS = "items"
SUMMARY_JUSTIFICATION = "justification"

# Columns of a table sheet, across the families (NPD, LILR, HESA, UCAS, LEO linking and outcome tables).
ALIAS = "alias"
FIELD_REFERENCE = "field_reference"
DESCRIPTION = "description"
YEARS_POPULATED = "years_populated"
IDENTIFICATION_RISK = "identification_risk"
SENSITIVITY = "sensitivity"
ANSWER = "answer"
YEARS_REQUESTED = "years_requested"
TABLE_NAME = "table_name"
FIELD_TYPE = "field_type"
DATA_TYPE = "data_type"
NULLABLE = "nullable"
LENGTH = "length"
SOURCE_DATASET = "source_dataset"

# Header texts that name the variable column; a row holding one of them starts a (new) header.
ALIAS_HEADERS = frozenset({"npdalias", "field", "fieldname"})


def summary_role(key: str) -> str | None:
    if key.startswith("dataset"):
        return SUMMARY_DATASET
    if key == "tablename":
        return SUMMARY_TABLE
    if key == "description":
        return SUMMARY_DESCRIPTION
    if "tablerequired" in key:
        return SUMMARY_ANSWER
    if "dataitems" in key:
        return SUMMARY_ITEMS
    if "justification" in key or "justify" in key:
        return SUMMARY_JUSTIFICATION
    return None


def table_role(key: str) -> str | None:
    if key in ALIAS_HEADERS:
        return ALIAS
    if key == "fieldreference":
        return FIELD_REFERENCE
    if key == "description":
        return DESCRIPTION
    if key.startswith(("yearspopulated", "yearsavailable")):
        return YEARS_POPULATED
    if key in ("identificationrisk", "identifiability", "identifiabilityrisk"):
        return IDENTIFICATION_RISK
    if key == "sensitivity":
        return SENSITIVITY
    # "Data request data item required?", "required?"; the Exclusions sheet's "Table requested?" is not an answer.
    if "required" in key:
        return YEARS_REQUESTED if "year" in key else ANSWER
    if key == "tablename":
        return TABLE_NAME
    if key == "fieldtype":
        return FIELD_TYPE
    if key in ("type", "datatype"):
        return DATA_TYPE
    if key == "nullable":
        return NULLABLE
    if key == "length":
        return LENGTH
    if key == "sourcedataset":
        return SOURCE_DATASET
    return None


def header_family(columns: dict[str, int]) -> str:
    """The family a table sheet's header belongs to, when the summary does not say."""
    if TABLE_NAME in columns:
        return "leo"
    if FIELD_TYPE in columns:
        return "hesa"
    if FIELD_REFERENCE in columns:
        return "npd"
    if NULLABLE in columns or LENGTH in columns or ANSWER in columns:
        return "lilr"
    return "ucas"
