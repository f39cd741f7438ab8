"""Write a reproducible zip archive (a .docx) in one pass from entries compressed beforehand.

The entries get a fixed time (1980-01-01) and mode 0644, so the same content
gives the same bytes, as ``zipfile`` would write them. An entry is compressed
when it is made (``entry``): the parts every document shares with its reference
(theme, fonts, styles, pictures) are made once per reference and written raw
into each new archive.
"""

from __future__ import annotations

import struct
import zlib

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # deflate
_SYSTEM = 3  # Unix: the external attributes hold the file mode
_TIME, _DATE = 0, (1 << 5) | 1  # 1980-01-01 00:00:00 in MS-DOS format
_MODE = 0o644 << 16
_UTF8 = 0x800  # general purpose flag: the name is UTF-8

#: An entry ready to write: name (encoded), flags, CRC-32, size, raw deflate data.
Entry = tuple[bytes, int, int, int, bytes]


def entry(name: str, data: bytes, level: int = 9) -> Entry:
    """The zip entry ``name`` holding ``data``, deflated at ``level``.

    Below level 9 (the parts made for each document) the window is no larger
    than the data: zlib then sets up a fraction of its state for a part of a few
    kilobytes, which would cost more than compressing it. Any inflater reads the
    stream (a window only bounds distances). Level 9 keeps the full window, so
    reference.docx rebuilds to the same bytes.
    """
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), _UTF8
    window = 15 if level == 9 else max(9, min(15, len(data).bit_length()))
    compressor = zlib.compressobj(level, zlib.DEFLATED, -window)
    return encoded, flags, zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush()


def archive(entries: list[Entry]) -> bytes:
    """Return the zip archive of ``entries``, in that order."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for encoded, flags, crc, size, packed in entries:
        header = _LOCAL.pack(b"PK\003\004", _VERSION, 0, flags, zlib.DEFLATED, _TIME, _DATE, crc,
                             len(packed), size, len(encoded), 0)
        central.append(_CENTRAL.pack(b"PK\001\002", _VERSION, _SYSTEM, _VERSION, 0, flags, zlib.DEFLATED,
                                     _TIME, _DATE, crc, len(packed), size, len(encoded), 0, 0, 0, 0,
                                     _MODE, offset) + encoded)
        out += (header, encoded, packed)
        offset += len(header) + len(encoded) + len(packed)
    directory = b"".join(central)
    end = _END.pack(b"PK\005\006", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end
