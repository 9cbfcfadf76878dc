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
        self._coding: str | None = None
        self._inflater: zlib._Decompress | None = None
        self._head = b""  # deflate: the first bytes, until they tell which kind it is
        self._fed = False  # any byte of the body yet (an empty body decodes as empty)
        if not codings:
            return
        if len(codings) > 1:
            raise UnsupportedEncoding(f"{len(codings)} layers of content-encoding")
        if codings[0] in ("gzip", "x-gzip"):
            self._coding = "gzip"
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif codings[0] == "deflate":
            self._coding = "deflate"  # its inflater is made once two bytes have come
        else:
            raise UnsupportedEncoding(f"content-encoding {codings[0][:40]!r}")

    def feed(self, data: bytes, room: int) -> bytes:
        """The decoded bytes of `data`: at most `room + 1` of them, where more would come."""
        if self._coding is None:
            return data
        self._fed = self._fed or bool(data)
        if self._inflater is None:
            # Deflate with its zlib header, as the standard says, or raw, as some servers
            # send it (browsers and httpx take both): the first two bytes tell.
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            header = data[0] << 8 | data[1]
            zlib_wrapped = data[0] & 0x0F == 8 and header % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
        limit = max(room, 0) + 1
        try:
            out = self._inflater.decompress(data, limit)
            # After the end of a gzip member, the next one (gzip allows several, one after
            # the other); anything else after the end of the stream is refused, not dropped
            # unseen. (Once over the room, the caller refuses the body: no need to go on.)
            while self._inflater.eof and self._inflater.unused_data and len(out) < limit:
                rest = self._inflater.unused_data
                if self._coding != "gzip" or not rest.startswith(b"\x1f\x8b"):
                    raise EncodingError("bytes after the end of the compressed body")
                self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
                out += self._inflater.decompress(rest, limit - len(out))
        except zlib.error:
            raise EncodingError("the body does not decode as its content-encoding") from None
        return out

    def finish(self, room: int) -> bytes:
        """What the decoder still holds once the body has ended (at most `room + 1` bytes)."""
        if self._coding is None or not self._fed:
            return b""
        if self._inflater is None:  # a deflate body of one byte
            raise EncodingError("the compressed body ends before its end")
        try:
            rest = self._inflater.flush()[: max(room, 0) + 1]
        except zlib.error:
            raise EncodingError("the body does not decode as its content-encoding") from None
        if not self._inflater.eof:
            # The compressed stream never ended: a body cut short, or bytes that only looked
            # like one for a while. What came out of it is not the server's answer.
            raise EncodingError("the compressed body ends before its end")
        return rest
