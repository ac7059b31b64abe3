"""Album covers for the fake: small deterministic PNGs, drawn with zlib alone."""

from __future__ import annotations

import functools
import hashlib
import math
import struct
import zlib

MAX_SIZE = 640


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.lru_cache(maxsize=64)
def cover_png(seed: str, size: int) -> bytes:
    """A ``size``×``size`` cover: a diagonal gradient between two colours and a disc."""
    size = max(8, min(size, MAX_SIZE))
    digest = hashlib.sha256(seed.encode()).digest()
    (r1, g1, b1), (r2, g2, b2), (r3, g3, b3) = (digest[0:3], digest[3:6], digest[6:9])
    centre = size * (0.35 + (digest[9] % 30) / 100)
    radius2 = (size * 0.28) ** 2
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")
        for x in range(size):
            if (x - centre) ** 2 + (y - centre) ** 2 < radius2:
                row += bytes((r3, g3, b3))
                continue
            t = (x + y) / (2 * size)
            shade = 0.85 + 0.15 * math.sin((x - y) / max(size / 12, 1))
            row += bytes(int((a + (b - a) * t) * shade) for a, b in ((r1, r2), (g1, g2), (b1, b2)))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + _chunk(b"IEND", b"")
    )
