#!/usr/bin/env python3
"""CPython's answers for the cases of tests/argument_checks_test.cpp (same names, same order).

Run it with the python3 the table was checked against (3.11):
    python3 tests/argument_checks_oracle.py
Each line is "<case> -> <exception class>: <str(exception)>". Ports, paths and socket reprs
differ from run to run; the test builds them from the same templates.
"""
import asyncio
import os
import socket
import ssl


async def handler(reader, writer):
    writer.close()


async def outcome(name, make):
    try:
        result = await make()
        if isinstance(result, asyncio.base_events.Server):
            result.close()
        elif isinstance(result, tuple):
            result[1].close()
        print(f"{name} -> no exception")
    except Exception as exc:  # noqa: BLE001 - we report every kind
        print(f"{name} -> {type(exc).__name__}: {exc}")


async def main():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    stream, _peer = socket.socketpair()
    dgram = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    path = f"/tmp/aiostreams-argcheck-oracle-{os.getpid()}.sock"
    missing = f"/tmp/aiostreams-argcheck-oracle-{os.getpid()}-missing.sock"
    abstract = f"\0aiostreams-argcheck-oracle-{os.getpid()}"
    oc, ouc = asyncio.open_connection, asyncio.open_unix_connection
    ss, sus = asyncio.start_server, asyncio.start_unix_server
    cases = [
        ("open_connection with limit 0", lambda: oc("127.0.0.1", 8888, limit=0)),
        ("open_connection with limit -1 and server_hostname", lambda: oc("127.0.0.1", 8888, limit=-1, server_hostname="x")),
        ("start_server with limit 0", lambda: ss(handler, "127.0.0.1", 0, limit=0)),
        ("open_connection with server_hostname but no ssl", lambda: oc("127.0.0.1", 8888, server_hostname="x")),
        ("open_connection with server_hostname and sock but no ssl", lambda: oc("127.0.0.1", 8888, server_hostname="x", sock=stream)),
        ("open_connection with ssl_handshake_timeout but no ssl", lambda: oc("127.0.0.1", 8888, ssl_handshake_timeout=5)),
        ("open_connection with ssl_shutdown_timeout but no ssl", lambda: oc("127.0.0.1", 8888, ssl_shutdown_timeout=5)),
        ("start_server with ssl_handshake_timeout but no ssl", lambda: ss(handler, "127.0.0.1", 0, ssl_handshake_timeout=5)),
        ("start_server with ssl_shutdown_timeout but no ssl", lambda: ss(handler, "127.0.0.1", 0, ssl_shutdown_timeout=5)),
        # CPython raises these two from SSLProtocol, once connected: connect to a listener.
        ("open_connection with ssl and ssl_handshake_timeout 0", None),
        ("open_connection with ssl and ssl_shutdown_timeout -1", None),
        ("open_connection with ssl but neither host nor server_hostname", lambda: oc(None, 8888, ssl=ctx)),
        ("open_connection on a sock with ssl but no server_hostname", lambda: oc(ssl=ctx, sock=stream)),
        ("open_connection with host, port and sock", lambda: oc("127.0.0.1", 8888, sock=stream)),
        ("open_connection with a port and sock", lambda: oc(None, 8888, sock=stream)),
        ("open_connection with neither host, port nor sock", lambda: oc()),
        ("open_connection on a datagram sock", lambda: oc(sock=dgram)),
        ("start_server with host, port and sock", lambda: ss(handler, "127.0.0.1", 0, sock=stream)),
        ("start_server with neither host, port nor sock", lambda: ss(handler)),
        ("start_server on a datagram sock", lambda: ss(handler, sock=dgram)),
        ("open_unix_connection with limit 0", lambda: ouc(path, limit=0)),
        ("start_unix_server with limit 0", lambda: sus(handler, path, limit=0)),
        ("open_unix_connection with server_hostname but no ssl", lambda: ouc(path, server_hostname="x")),
        ("open_unix_connection with ssl_handshake_timeout but no ssl", lambda: ouc(path, ssl_handshake_timeout=5)),
        ("open_unix_connection with ssl_shutdown_timeout but no ssl", lambda: ouc(path, ssl_shutdown_timeout=5)),
        ("start_unix_server with ssl_handshake_timeout but no ssl", lambda: sus(handler, path, ssl_handshake_timeout=5)),
        ("start_unix_server with ssl_shutdown_timeout but no ssl", lambda: sus(handler, path, ssl_shutdown_timeout=5)),
        ("open_unix_connection with ssl but no server_hostname", lambda: ouc(path, ssl=ctx)),
        ("open_unix_connection with path and sock", lambda: ouc(path, sock=stream)),
        ("open_unix_connection with neither path nor sock", lambda: ouc()),
        ("open_unix_connection on a TCP sock", lambda: ouc(sock=tcp)),
        ("open_unix_connection on a datagram sock", lambda: ouc(sock=dgram)),
        ("start_unix_server with path and sock", lambda: sus(handler, path, sock=stream)),
        ("start_unix_server with neither path nor sock", lambda: sus(handler)),
        ("start_unix_server on a TCP sock", lambda: sus(handler, sock=tcp)),
        ("start_unix_server on a datagram sock", lambda: sus(handler, sock=dgram)),
        ("open_unix_connection to a path nobody listens on", lambda: ouc(missing)),
    ]
    for name, make in cases:
        if make is not None:
            await outcome(name, make)
            continue
        server = await ss(handler, "127.0.0.1", 0, ssl=server_ctx)
        port = server.sockets[0].getsockname()[1]
        timeouts = {"ssl_handshake_timeout": 0} if "handshake" in name else {"ssl_shutdown_timeout": -1}
        await outcome(name, lambda: oc("127.0.0.1", port, ssl=ctx, server_hostname="x", **timeouts))
        server.close()

    taken = await ss(handler, "127.0.0.1", 0, reuse_address=False)
    port = taken.sockets[0].getsockname()[1]
    await outcome("start_server on a port in use", lambda: ss(handler, "127.0.0.1", port, reuse_address=False))
    taken.close()
    await outcome("open_connection to a port nobody listens on", lambda: oc("127.0.0.1", port))
    held = await sus(handler, abstract)
    await outcome("start_unix_server on an abstract name in use", lambda: sus(handler, abstract))
    held.close()
    # Not a bad-argument case, a timing note: CPython creates the reader (and the TLS
    # protocol) of a server per accepted connection, so these succeed until a client comes.
    await outcome("start_server with ssl and ssl_handshake_timeout 0",
                  lambda: ss(handler, "127.0.0.1", 0, ssl=server_ctx, ssl_handshake_timeout=0))
    if os.path.exists(path):
        os.unlink(path)


asyncio.run(main())
