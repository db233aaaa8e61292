"""Test media generated on the fly: valid headers and frames, big sizes as sparse files."""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

from PIL import Image

MIB = 1024 * 1024


def wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * round(rate * seconds))
    return path


def mp3(path: Path, seconds: float) -> Path:
    """MPEG-1 Layer III, 128 kbit/s CBR, 44.1 kHz: mutagen estimates length from size and bitrate."""
    header = b"\xff\xfb\x90\x00"  # sync, MPEG-1 Layer III no CRC; 128 kbit/s, 44100 Hz, no padding
    frame = header + b"\0" * (417 - 4)
    total = round(seconds * 128000 / 8)
    data = frame * (total // len(frame) + 1)
    path.write_bytes(data[:total])
    return path


def amr(path: Path, seconds: float) -> Path:
    """AMR-NB, mode 7 (12.2 kbit/s): 1 header byte + 31 bytes a frame, 20 ms each."""
    frame = bytes([7 << 3 | 0x04]) + b"\x55" * 31
    path.write_bytes(b"#!AMR\n" + frame * round(seconds / 0.02))
    return path


def png(path: Path, size: tuple[int, int] = (20, 10)) -> Path:
    Image.new("RGB", size, (200, 30, 30)).save(path, "PNG")
    return path


def jpeg(path: Path, size: tuple[int, int] = (20, 10)) -> Path:
    Image.new("RGB", size, (30, 30, 200)).save(path, "JPEG")
    return path


def _lzw_clear_every_two(pixels: int) -> bytes:
    """LZW data for `pixels` pixels of colour 0 with min code size 2: a clear code before every two
    pixels keeps the code width at 3 bits, so no table is needed to write a valid stream."""
    codes: list[int] = []
    for i in range(pixels):
        if i % 2 == 0:
            codes.append(4)  # clear
        codes.append(0)
    codes.append(5)  # end of information
    acc = nbits = 0
    out = bytearray()
    for code in codes:
        acc |= code << nbits
        nbits += 3
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        out.append(acc & 0xFF)
    blocks = bytearray()
    for start in range(0, len(out), 255):
        chunk = out[start : start + 255]
        blocks += bytes([len(chunk)]) + chunk
    return bytes(blocks) + b"\0"


def gif(path: Path, frames: list[tuple[int, int]], screen: tuple[int, int] | None = None) -> Path:
    """An animated GIF whose frames have the given sizes (Pillow would crop them to the first)."""
    sw, sh = screen or frames[0]
    data = bytearray(b"GIF89a" + struct.pack("<HHBBB", sw, sh, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff")
    data += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    for w, h in frames:
        data += b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # graphic control: 0.1 s
        data += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0) + b"\x02"
        data += _lzw_clear_every_two(w * h)
    data += b"\x3b"
    path.write_bytes(bytes(data))
    return path


def hostile_gif(path: Path, side: int = 60000) -> Path:
    """A tiny file claiming a side×side canvas and frame."""
    data = b"GIF89a" + struct.pack("<HHBBB", side, side, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    data += b"\x2c" + struct.pack("<HHHHB", 0, 0, side, side, 0) + b"\x02" + _lzw_clear_every_two(4) + b"\x3b"
    path.write_bytes(data)
    return path


def sparse(path: Path, head: bytes, size: int) -> Path:
    """`head` followed by zeros up to `size` bytes, without writing the zeros."""
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


VIDEO_HEADS = {
    "mp4": b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2",
    "mov": b"\0\0\0\x14ftypqt  \0\0\x02\0qt  ",
    "3gp": b"\0\0\0\x14ftyp3gp4\0\0\x02\x003gp4",
    "avi": b"RIFF\0\0\0\0AVI LIST",
    "wmv": bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
    + b"\0" * 14
    + bytes.fromhex("c0ef19bc4d5bcf11a8fd00805f5c442b"),
    "flv": b"FLV\x01\x05\0\0\0\x09",
    "mpeg": b"\x00\x00\x01\xba\x44\x00\x04\x00\x04\x01",
    "rm": b".RMF\0\0\0\x12\0\x01",
}


def ts(size: int = 188 * 4) -> bytes:
    packet = b"\x47" + b"\x1f\xff\x10" + b"\xff" * 184
    return (packet * (size // 188 + 1))[:size]


def wma_header() -> bytes:
    return (
        bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
        + b"\0" * 14
        + bytes.fromhex("409e69f84d5bcf11a8fd00805f5c442b")
    )


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return out.getvalue()
