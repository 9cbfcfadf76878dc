"""Name resolution for tests that must see it fail without asking any name server."""

from __future__ import annotations

import socket

import pytest


def refuse_to_resolve(monkeypatch: pytest.MonkeyPatch, host: str) -> list[str]:
    """Make `host` fail to resolve, as an unknown name does, without asking any resolver.

    A real lookup would send a query to the machine's name server, which is not on loopback;
    the tests never send traffic anywhere but 127.0.0.1, so the failure is produced here.
    """
    real_getaddrinfo = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(name: object, *args: object, **kwargs: object) -> object:
        text = name.decode() if isinstance(name, bytes) else str(name)  # httpcore passes bytes
        if text == host:
            asked.append(text)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked
