"""A response body's content-encoding undone with a bound on what it may grow to.

httpx undoes gzip and deflate chunk by chunk with no limit on the output of one chunk, and
it undoes every layer a server names (`Content-Encoding: gzip, gzip`): a body of 2 KB grew
to 2 GB before the app's size cap could see it (measured). Here the raw bytes are inflated
at most one byte past the room the caller has left, so the cap holds whatever the server
sends, and a body may carry one layer only: gzip or deflate, the encodings the client asks
for. Anything else is refused, as no honest server sends it.
"""

from __future__ import annotations

import zlib

# What the client tells servers it takes. (httpx would also offer brotli and zstd when their
# packages happen to be installed; they are not undone here.)
ACCEPT_ENCODING = "gzip, deflate"


class UnsupportedEncoding(ValueError):
    """A content-encoding not undone here: more than one layer, or an unknown one."""


class EncodingError(ValueError):
    """Bytes that do not decode as the encoding the server named."""


class BoundedDecoder:
    """Feed it the raw body piece by piece; each call answers no more than the room the
    caller has left, plus one byte that tells the caller the room is exceeded."""

    def __init__(self, content_encoding: str) -> None:
        codings = [part.strip().lower() for part in content_encoding.split(",")]
        codings = [coding for coding in codings if coding and coding != "identity"]
        self._deflate = False
        self._inflater: zlib._Decompress | None = None
        if not codings:
            return
        if len(codings) > 1:
            raise UnsupportedEncoding(f"{len(codings)} layers of content-encoding")
        if codings[0] in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif codings[0] == "deflate":
            # With its zlib header, as the standard says; raw deflate, as some servers send,
            # is tried when the first bytes are no zlib header (as browsers and httpx do).
            self._deflate = True
            self._inflater = zlib.decompressobj()
        else:
            raise UnsupportedEncoding(f"content-encoding {codings[0][:40]!r}")
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        """The decoded bytes of `data`: at most `room + 1` of them, where more would come."""
        if self._inflater is None:
            return data
        limit = max(room, 0) + 1
        try:
            out = self._inflater.decompress(data, limit)
        except zlib.error:
            if not (self._deflate and not self._started):
                raise EncodingError("the body does not decode as its content-encoding") from None
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                out = self._inflater.decompress(data, limit)
            except zlib.error:
                raise EncodingError("the body does not decode as deflate") from None
        self._started = True
        return out

    def finish(self, room: int) -> bytes:
        """What the decoder still holds once the body has ended (at most `room + 1` bytes)."""
        if self._inflater is None:
            return b""
        try:
            rest = self._inflater.flush()[: max(room, 0) + 1]
        except zlib.error:
            raise EncodingError("the body does not decode as its content-encoding") from None
        if not self._inflater.eof:
            # The compressed stream never ended: a body cut short, or bytes that only looked
            # like one for a while. What came out of it is not the server's answer.
            raise EncodingError("the compressed body ends before its end")
        return rest
