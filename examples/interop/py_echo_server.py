#!/usr/bin/env python3
"""CPython's asyncio echo server from the streams documentation, bounded for tests.

  py_echo_server.py [--port 0] [--connections 1] [--timeout 20] [--cert FILE --key FILE]

Prints "PORT <n>" on stdout first (flushed), serves --connections connections, then exits 0.
Gives up with exit status 3 after --timeout seconds. --cert/--key: serve over TLS.
"""
import argparse
import asyncio
import ssl
import sys


async def main(args):
    done = asyncio.Event()
    served = 0

    async def handle_echo(reader, writer):
        nonlocal served
        data = await reader.read(100)
        message = data.decode()
        addr = writer.get_extra_info('peername')
        print(f"Received {message!r} from {addr!r}", file=sys.stderr)
        writer.write(data)
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        served += 1
        if served == args.connections:
            done.set()

    context = None
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
    server = await asyncio.start_server(handle_echo, '127.0.0.1', args.port, ssl=context)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        try:
            await asyncio.wait_for(done.wait(), args.timeout)
        except asyncio.TimeoutError:
            print(f"py_echo_server: timed out after {args.timeout} s", file=sys.stderr)
            return 3
    return 0


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--connections', type=int, default=1)
    parser.add_argument('--timeout', type=float, default=20.0)
    parser.add_argument('--cert')
    parser.add_argument('--key')
    sys.exit(asyncio.run(main(parser.parse_args())))
