#!/usr/bin/env python3
"""Draws the web app's PNG icons (Web/icons/icon-{192,512}.png): Reel's red
rounded square with a white play triangle, as in Web/favicon.svg. Standard
library only (zlib + struct); run it again after changing the drawing."""
import struct
import zlib
from pathlib import Path

RED, WHITE = (0xE5, 0x09, 0x14), (0xFF, 0xFF, 0xFF)


def pixel(x: float, y: float) -> tuple[int, int, int, int]:
    """The icon at (x, y) in a 32×32 drawing (the favicon's coordinates); full bleed, so it also works as maskable."""
    # Play triangle: (12,9) (24,16) (12,23).
    if x >= 12 and abs(y - 16) <= (24 - x) * 7 / 12:
        return (*WHITE, 255)
    return (*RED, 255)


def png(size: int) -> bytes:
    rows = bytearray()
    for j in range(size):
        rows.append(0)  # filter: none
        for i in range(size):
            rows.extend(pixel((i + 0.5) * 32 / size, (j + 0.5) * 32 / size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "Web" / "icons"
    out.mkdir(exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))
        print(out / f"icon-{size}.png")
