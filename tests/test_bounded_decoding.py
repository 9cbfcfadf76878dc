"""The body decoder on its own: pieces of any size, every encoding asked for, the bound."""

from __future__ import annotations

import gzip
import zlib

import pytest

from wfbrowse.bounded_decoding import BoundedDecoder, EncodingError, UnsupportedEncoding

BODY = b'{"data": {"id": "x", "attributes": {"outputs": "' + b"0123456789" * 500 + b'"}}}'


def deflated(data: bytes, *, raw: bool) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def decode(encoding: str, wire: bytes, piece: int, room: int = 1 << 30) -> bytes:
    decoder = BoundedDecoder(encoding)
    out = b"".join(
        decoder.feed(wire[start : start + piece], room) for start in range(0, len(wire), piece)
    )
    return out + decoder.finish(room)


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 4096])
@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("deflate", deflated(BODY, raw=False)),
        ("deflate", deflated(BODY, raw=True)),  # as some servers send it
        ("identity", BODY),
        ("", BODY),
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "identity", "none"],
)
def test_every_encoding_asked_for_decodes_whatever_the_pieces(
    encoding: str, wire: bytes, piece: int
) -> None:
    assert decode(encoding, wire, piece) == BODY


def test_gzip_members_one_after_another_are_all_read() -> None:
    wire = gzip.compress(BODY[:100]) + gzip.compress(BODY[100:])
    assert decode("gzip", wire, 50) == BODY


@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        ("gzip", gzip.compress(BODY) + b"junk after the end"),
        ("gzip", gzip.compress(BODY)[:-20]),  # cut short
        ("deflate", deflated(BODY, raw=False) + b"more"),
        ("deflate", b"\x78"),  # one byte
        ("gzip", b"\x1f\x8b\x08\x00 not gzip after all"),
    ],
    ids=["trailing-junk", "cut-short", "deflate-trailing", "one-byte", "not-gzip"],
)
def test_a_broken_stream_is_refused_not_dropped(encoding: str, wire: bytes) -> None:
    with pytest.raises(EncodingError):
        decode(encoding, wire, 64)


def test_an_empty_body_decodes_as_empty() -> None:
    assert decode("gzip", b"", 64) == b""


@pytest.mark.parametrize("encoding", ["gzip, gzip", "br", "zstd", "compress"])
def test_what_the_client_does_not_ask_for_is_refused(encoding: str) -> None:
    with pytest.raises(UnsupportedEncoding):
        BoundedDecoder(encoding)


def test_no_piece_grows_past_the_room_left() -> None:
    """A megabyte of gzip that inflates to 256 MiB: each piece is at most one byte over the
    room, whatever the size of the compressed piece it came from."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    bomb = b"".join(packer.compress(b"\0" * (1 << 20)) for _ in range(256)) + packer.flush()
    decoder = BoundedDecoder("gzip")
    room = 4096
    for start in range(0, len(bomb), 65536):
        out = decoder.feed(bomb[start : start + 65536], room)
        assert len(out) <= room + 1
        if len(out) > room:
            break  # the caller refuses here
    else:
        pytest.fail("the bomb never went over the room")
