"""Does a researcher's stated accreditation agree with the register? Pure: no database."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Result(StrEnum):
    VERIFIED = "verified"
    MISMATCH = "mismatch"
    NOT_FOUND = "not_found"
    NO_REGISTER = "no_register"


LABELS = {
    Result.VERIFIED: "Verified",
    Result.MISMATCH: "Does not match the register",
    Result.NOT_FOUND: "Not on the register",
    Result.NO_REGISTER: "Not checked: no register imported",
}


def normalise_name(name: str) -> tuple[str, ...]:
    """A name as words without accents, case or punctuation, in any order ("Smith, Zoë" is "Zoe Smith")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    # An apostrophe joins (O'Brien is OBrien); any other punctuation separates (Smith-Jones is Smith Jones).
    joined = re.sub(r"['’‘`]", "", plain.casefold())
    words = re.sub(r"[\W_]+", " ", joined).split()
    return tuple(sorted(words))


@dataclass(frozen=True)
class Stated:
    """What the researcher told us."""

    name: str
    accreditation_type: str
    expiry: date | None


@dataclass(frozen=True)
class Listed:
    """What the register says."""

    name: str
    accreditation_type: str
    expiry: date


@dataclass(frozen=True)
class Check:
    result: Result
    differences: list[str] = field(default_factory=list)
    listed: Listed | None = None

    @property
    def label(self) -> str:
        return LABELS[self.result]


def compare(stated: Stated, listed: Listed | None) -> Check:
    if listed is None:
        return Check(Result.NOT_FOUND, ["The accreditation number is not on the register."])
    differences = []
    if normalise_name(stated.name) != normalise_name(listed.name):
        differences.append(f"The register gives the name as “{listed.name}”.")
    if stated.expiry != listed.expiry:
        differences.append(f"The register gives the expiry date as {listed.expiry:%-d %B %Y}.")
    if stated.accreditation_type and stated.accreditation_type != listed.accreditation_type:
        differences.append(f"The register gives the accreditation type as {listed.accreditation_type}.")
    return Check(Result.MISMATCH if differences else Result.VERIFIED, differences, listed)
