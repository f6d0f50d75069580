"""The tests' own DNS: the fictional MIS hosts resolve to a public address (a sync looks
its host up before every request); a test can point a host elsewhere through `dns`."""

import socket
from unittest import mock

import pytest

PUBLIC = "93.184.215.14"


@pytest.fixture(autouse=True)
def dns():
    """Host name -> the addresses it resolves to; any other name is looked up as usual."""
    table = {"mis.example": [PUBLIC]}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.lower() not in table:
            return real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in table[name.lower()]
        ]

    with mock.patch.object(socket, "getaddrinfo", getaddrinfo):
        yield table


@pytest.fixture
def any_leaver_counts():
    """The fixture school is small: here even one leaver of a group counts towards its
    limit (a real school's few leavers of a group never stop a sync)."""
    from esafety.people_import import leavers

    with mock.patch.object(leavers, "FEW_LEAVERS", 0):
        yield
