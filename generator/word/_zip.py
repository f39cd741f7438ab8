"""Write a reproducible zip archive (a .docx) in one pass, compressing each distinct entry once.

The entries get a fixed time (1980-01-01) and mode 0644, so the same content
gives the same bytes, as ``zipfile`` would write them. Most parts of a document
(theme, fonts, styles, logo) are the same in every document made from one
reference: their compressed bytes are kept (a small LRU) instead of being
compressed again for each document.
"""

from __future__ import annotations

import struct
import zlib
from collections import OrderedDict

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # deflate
_SYSTEM = 3  # Unix: the external attributes hold the file mode
_TIME, _DATE = 0, (1 << 5) | 1  # 1980-01-01 00:00:00 in MS-DOS format
_MODE = 0o644 << 16
_UTF8 = 0x800  # general purpose flag: the name is UTF-8

_CACHE: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()
_CACHE_SIZE = 64


def _deflate(data: bytes) -> tuple[int, bytes]:
    """(CRC-32, raw deflate at level 9) of ``data``, from the cache when it was seen lately."""
    found = _CACHE.get(data)
    if found is not None:
        _CACHE.move_to_end(data)
        return found
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    found = zlib.crc32(data), compressor.compress(data) + compressor.flush()
    _CACHE[data] = found
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


def archive(entries: list[tuple[str, bytes]]) -> bytes:
    """Return the zip archive of ``entries`` (name, data), in that order, deflated."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in entries:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8
        crc, packed = _deflate(data)
        header = _LOCAL.pack(b"PK\003\004", _VERSION, 0, flags, zlib.DEFLATED, _TIME, _DATE, crc,
                             len(packed), len(data), len(encoded), 0)
        central.append(_CENTRAL.pack(b"PK\001\002", _VERSION, _SYSTEM, _VERSION, 0, flags, zlib.DEFLATED,
                                     _TIME, _DATE, crc, len(packed), len(data), len(encoded), 0, 0, 0, 0,
                                     _MODE, offset) + encoded)
        out += (header, encoded, packed)
        offset += len(header) + len(encoded) + len(packed)
    directory = b"".join(central)
    end = _END.pack(b"PK\005\006", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end
