"""Checks on the uploaded bytes before any spreadsheet parser sees them.

Everything here works on the zip container itself: the central directory is judged before anything is decompressed,
then each part is decompressed in bounded chunks and its XML scanned for a DTD. Each part must decompress to exactly
its declared size and CRC, parts may not overlap and nothing may precede the first, so the parser, reading the same
directory, decompresses exactly the bytes that were checked. The decompressed chunks are not kept: keeping them
(to hand the parser an uncompressed copy) was tried and cost more in memory traffic than it saved in parsing.
"""

import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO

from .findings import Rejected

MB = 1024 * 1024
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_LOCAL_HEADER = b"PK\x03\x04"
ZIP_EMPTY_ARCHIVE = b"PK\x05\x06"
# Office writes an encrypted workbook as an OLE2 container with these streams (names are UTF-16LE).
ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
# Small enough to stay in the allocator's reusable heap rather than being mapped afresh for every chunk.
CHUNK = 64 * 1024
# Long enough to hold "<!DOCTYPE" split across two chunks, even in UTF-16.
OVERLAP = 32
XML_SUFFIXES = (".xml", ".rels", ".vml")
# Decompression is most of what these checks cost and zlib releases the GIL while it works, so a workbook this big
# (compressed) is scanned by two threads; a small one is not worth starting a thread for.
SCAN_IN_TWO_FROM = 256 * 1024

SAVE_AS_XLSX = "Open it in Excel and use File > Save As, choosing 'Excel Workbook (*.xlsx)', then upload that file."


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB
    max_uncompressed: int = 200 * MB
    max_ratio: int = 100
    # A part must expand to more than this before its ratio matters: small parts such as a sheet of empty
    # styled cells can compress very well and do no harm, whereas a bomb needs a big expansion.
    ratio_floor: int = 1 * MB
    max_members: int = 1000


def check_workbook(data: bytes, limits: Limits) -> None:
    """Return quietly if the upload is safe to parse; otherwise raise Rejected saying why, in words for the user."""
    _check_container(data, limits)
    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    except Exception as error:
        if data.startswith(ZIP_LOCAL_HEADER):
            raise Rejected(
                "truncated_file",
                "The file is incomplete: it stops part-way through, perhaps because the upload or the save was "
                "interrupted. Save the form again in Excel and upload the new copy.",
            ) from error
        raise _not_a_spreadsheet() from error
    infos = [info for info in infos if not info.is_dir()]
    _check_directory(infos, limits)
    _check_no_overlap(data, infos)
    _check_content_types(data, infos)
    _scan_parts(data, infos)


def _check_container(data: bytes, limits: Limits) -> None:
    if not data:
        raise Rejected("empty_file", "The file is empty (0 bytes). Check you chose the right file and upload it again.")
    if len(data) > limits.max_bytes:
        raise Rejected(
            "file_too_large",
            f"The file is {len(data) / MB:.1f} MB, more than the {limits.max_bytes / MB:.0f} MB allowed. "
            "A completed form is normally about 1 MB: remove pictures or extra sheets you added, or start from a "
            "fresh copy of the form.",
        )
    if data.startswith(OLE2_SIGNATURE):
        if any(stream in data for stream in ENCRYPTION_STREAMS):
            raise Rejected(
                "password_protected",
                "The workbook is password-protected, so it cannot be read. Open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password, then clear it), save and upload again.",
            )
        raise Rejected(
            "not_a_spreadsheet",
            "The file is in the old Excel 97-2003 (.xls) format or another older Office format, not the .xlsx "
            f"Variable Request Form. {SAVE_AS_XLSX}",
        )
    if data.startswith(ZIP_EMPTY_ARCHIVE):
        raise _not_a_spreadsheet()
    if not data.startswith(ZIP_LOCAL_HEADER):
        raise _not_a_spreadsheet()


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if not infos:
        raise _not_a_spreadsheet()
    if len(infos) > limits.max_members:
        raise Rejected(
            "zip_bomb",
            f"The file contains {len(infos)} internal parts, more than the {limits.max_members} a genuine form "
            "could have, so it was not opened. Upload the form as saved by Excel.",
        )
    names = set()
    total = 0
    for info in infos:
        if info.filename in names:
            raise _damaged()
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise Rejected(
                "password_protected",
                "Parts of the file are encrypted, so it cannot be read. Remove any password, save the form as an "
                "ordinary .xlsx workbook and upload it again.",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged()
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise Rejected(
                "zip_bomb",
                f"Part {info.filename!r} of the file would expand {ratio:.0f} times over (more than "
                f"{limits.max_ratio}:1), which no genuine form does, so it was not opened. Upload the form as "
                "saved by Excel.",
            )
    if total > limits.max_uncompressed:
        raise Rejected(
            "zip_bomb",
            f"The file would expand to {total / MB:.0f} MB when opened, more than the "
            f"{limits.max_uncompressed / MB:.0f} MB allowed, so it was not opened. Upload the form as saved by Excel.",
        )


def _check_content_types(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    names = {info.filename.casefold(): info for info in infos}
    if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise _macro_enabled()
    content_types = names.get("[content_types].xml")
    if content_types is None:
        mimetype = names.get("mimetype")
        if mimetype is not None and mimetype.file_size < 200 and b"spreadsheet" in _read_part(data, mimetype):
            raise Rejected(
                "not_a_spreadsheet",
                f"The file is an OpenDocument spreadsheet (.ods), not an Excel workbook. {SAVE_AS_XLSX}",
            )
        raise _not_a_spreadsheet()
    # Read through the same bounded path as every other part: it was sized in the directory check already.
    declared = _read_part(data, content_types).lower()
    if b"spreadsheetml" not in declared and b"ms-excel" not in declared:
        raise Rejected(
            "not_a_spreadsheet",
            "The file is an Office document but not an Excel workbook (perhaps a Word or PowerPoint file). "
            "Upload the Variable Request Form, an .xlsx workbook.",
        )
    if b"sheet.binary" in declared:
        raise Rejected(
            "not_a_spreadsheet",
            f"The workbook is saved in Excel's binary format (.xlsb), not as the .xlsx form. {SAVE_AS_XLSX}",
        )
    if b"macroenabled" in declared:
        raise _macro_enabled()
    if b"spreadsheetml.sheet.main" not in declared and b"spreadsheetml.template.main" not in declared:
        raise _not_a_spreadsheet()


def _scan_parts(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress and scan every part, raising the problem of the earliest part (in directory order) that has one."""
    if sum(info.compress_size for info in infos) < SCAN_IN_TWO_FROM:
        for info in infos:
            _read_part(data, info, keep=False)
        return
    halves: tuple[list, list] = ([], [])
    loads = [0, 0]
    for index, info in sorted(enumerate(infos), key=lambda pair: -pair[1].compress_size):
        lighter = 0 if loads[0] <= loads[1] else 1
        halves[lighter].append((index, info))
        loads[lighter] += info.compress_size
    failures: list[tuple[int, Exception] | None] = [None, None]

    def scan(half: int) -> None:
        # Each half goes in directory order and stops at its first problem, so the earlier of the two halves'
        # first problems is the earliest of all, whichever thread finishes first.
        for index, info in sorted(halves[half], key=lambda pair: pair[0]):
            try:
                _read_part(data, info, keep=False)
            except Exception as error:
                failures[half] = (index, error)
                return

    helper = threading.Thread(target=scan, args=(1,), name="vrf-scan", daemon=True)
    helper.start()
    scan(0)
    helper.join()
    found = [failure for failure in failures if failure is not None]
    if found:
        raise min(found, key=lambda failure: failure[0])[1]


def _read_part(data: bytes, info: zipfile.ZipInfo, *, keep: bool = True) -> bytes:
    """Decompress one part in bounded chunks, never beyond its declared size, checking size and CRC at the end;
    the content is returned only when asked to keep it."""
    compressed = memoryview(data)[_data_offset(data, info) :][: info.compress_size]
    if len(compressed) != info.compress_size:
        raise _damaged()
    scan = info.filename.casefold().endswith(XML_SUFFIXES)
    chunks = []
    size = 0
    crc = 0
    tail = b""
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = compressed
    try:
        while True:
            if decompressor is None:
                chunk, pending = bytes(pending[:CHUNK]), pending[CHUNK:]
            else:
                # max_length bounds every step: a part cannot produce more than one chunk per call.
                chunk = decompressor.decompress(pending, CHUNK)
                pending = decompressor.unconsumed_tail
            if not chunk:
                break
            size += len(chunk)
            if size > info.file_size:
                raise _damaged()
            if not chunks and not scan:
                # A part can be XML whatever its name; anything that starts like markup is scanned too.
                scan = chunk.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").startswith(b"<")
            # The seam between chunks is checked on its own so that no chunk is ever copied whole.
            if scan and ((tail and _declares_dtd(tail + chunk[:OVERLAP])) or _declares_dtd(chunk)):
                raise _xml_entities(info.filename)
            tail = chunk[-OVERLAP:]
            crc = zlib.crc32(chunk, crc)
            if keep:
                chunks.append(chunk)
    except zlib.error as error:
        raise _damaged() from error
    if size != info.file_size or crc != info.CRC or (decompressor is not None and not decompressor.eof):
        raise _damaged()
    return b"".join(chunks)


def _data_offset(data: bytes, info: zipfile.ZipInfo) -> int:
    """Where a part's data starts, from its local header, which must agree with the central directory."""
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) != 30 or not header.startswith(ZIP_LOCAL_HEADER):
        raise _damaged()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    name = data[offset + 30 : offset + 30 + name_length]
    if name not in (info.orig_filename.encode("utf-8"), info.orig_filename.encode("cp437", "replace")):
        raise _damaged()
    return offset + 30 + name_length + extra_length


def _check_no_overlap(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Parts sharing the same compressed bytes are how the densest zip bombs are built; genuine files never do it.
    Nor do they put anything before the first part, which could make two readers disagree about where parts are."""
    if min(info.header_offset for info in infos) != 0:
        raise _damaged()
    end = 0
    for info in sorted(infos, key=lambda item: item.header_offset):
        if info.header_offset < end:
            raise Rejected(
                "zip_bomb",
                "Parts of the file overlap one another, a trick used to build zip bombs, so it was not opened. "
                "Upload the form as saved by Excel.",
            )
        end = _data_offset(data, info) + info.compress_size


def _declares_dtd(chunk: bytes) -> bool:
    # UTF-16 XML interleaves NUL bytes; dropping them lets one ASCII search cover both encodings.
    if b"\x00" in chunk[:64] or chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
        chunk = chunk.replace(b"\x00", b"")
    # "!" is rare in a workbook and a one-byte search is many times faster than a two-byte one; a part
    # crowded with "!" falls back to the plain search so that it cannot slow the loop down.
    if chunk.count(b"!", 0, 4096) > 64:
        return _declares_dtd_slowly(chunk)
    position = chunk.find(b"!")
    hits = 0
    while position != -1:
        if (
            position
            and chunk[position - 1] == 0x3C
            and chunk[position + 1 : position + 8].upper().startswith((b"DOCTYPE", b"ENTITY"))
        ):
            return True
        hits += 1
        if hits > 1000:
            return _declares_dtd_slowly(chunk)
        position = chunk.find(b"!", position + 1)
    return False


def _declares_dtd_slowly(chunk: bytes) -> bool:
    position = chunk.find(b"<!")
    while position != -1:
        if chunk[position + 2 : position + 9].upper().startswith((b"DOCTYPE", b"ENTITY")):
            return True
        position = chunk.find(b"<!", position + 2)
    return False


def _xml_entities(name: str) -> Rejected:
    return Rejected(
        "xml_entities",
        f"Part {name!r} of the workbook declares a DTD or XML entities, which Excel never writes and which can be "
        "used to attack the systems reading the file, so it was not opened. Upload the form as saved by Excel.",
    )


def _not_a_spreadsheet() -> Rejected:
    return Rejected(
        "not_a_spreadsheet",
        "The file is not an Excel workbook. Upload the completed Variable Request Form as an .xlsx file.",
    )


def _damaged() -> Rejected:
    return Rejected(
        "damaged_file",
        "The file is damaged: parts of it cannot be decompressed or fail their integrity check. Save the form "
        "again in Excel and upload the new copy.",
    )


def _macro_enabled() -> Rejected:
    return Rejected(
        "macro_enabled",
        "The workbook contains macros (it is a macro-enabled workbook, whatever its file name). For security we do "
        f"not accept macros. {SAVE_AS_XLSX}",
    )
