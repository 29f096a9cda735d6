"""The demo's catalogue: the whole official v2.3 form's datasets, tables and variables, shipped as a data file so
that the embedded service checks forms exactly as it would with the official form imported.

The file is the form's own metadata only (never a filled-in copy's answers), written by
`manage.py import_vrf_catalogue FORM --write-json demo/data/vrf-catalogue-2.3.json`. Importing the official form
of the same version later replaces it.
"""

import functools
import hashlib
from pathlib import Path

from applications.vrf import Catalogue

DEMO_CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "vrf-catalogue-2.3.json"
DEMO_SOURCE_NAME = "demo catalogue (the official v2.3 form's, from demo/data/vrf-catalogue-2.3.json)"


@functools.cache
def demo_catalogue() -> tuple[Catalogue, str]:
    """The catalogue in the data file, and the file's SHA-256."""
    data = DEMO_CATALOGUE_FILE.read_bytes()
    return Catalogue.from_json(data), hashlib.sha256(data).hexdigest()
