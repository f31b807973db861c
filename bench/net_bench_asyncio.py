#!/usr/bin/env python3
"""The loopback network benchmark of bench/net_bench.cpp, on CPython's asyncio streams
(or uvloop): the same tests, options and one-line JSON output.

  net_bench_asyncio.py --loop asyncio|uvloop --test pingpong|stream|idle_server|idle_client
                       [--conns N] [--size BYTES] [--duration S] [--warmup S]
"""
import argparse
import asyncio
import json
import resource
import socket
import sys
import time


class Counter:
    ops = 0
    stop = False


def vm_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


async def measure(args):
    await asyncio.sleep(args.warmup)
    ops0, t0, c0 = Counter.ops, time.monotonic(), time.process_time()
    await asyncio.sleep(args.duration)
    ops1, t1, c1 = Counter.ops, time.monotonic(), time.process_time()
    Counter.stop = True
    return {"impl": args.loop, "test": args.test, "conns": args.conns, "size": args.size,
            "ops": ops1 - ops0, "seconds": t1 - t0, "rate": (ops1 - ops0) / (t1 - t0),
            "cpu_seconds": c1 - c0, "rate_per_cpu_second": (ops1 - ops0) / (c1 - c0)}


async def rate(args):
    size = args.size

    async def echo_handler(reader, writer):
        try:
            while True:
                data = await reader.readexactly(size)
                writer.write(data)
                await writer.drain()
        except asyncio.IncompleteReadError:
            pass
        writer.close()

    async def count_handler(reader, writer):
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            Counter.ops += len(data)
        writer.close()

    async def pingpong_client(port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        message = b"x" * size
        while not Counter.stop:
            writer.write(message)
            await writer.drain()
            await reader.readexactly(size)
            Counter.ops += 1
        writer.close()
        await writer.wait_closed()

    async def stream_client(port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        chunk = b"x" * size
        while not Counter.stop:
            writer.write(chunk)
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    stream = args.test == "stream"
    server = await asyncio.start_server(count_handler if stream else echo_handler, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    client = stream_client if stream else pingpong_client
    clients = [asyncio.create_task(client(port)) for _ in range(1 if stream else args.conns)]
    result = await measure(args)
    await asyncio.gather(*clients)
    server.close()
    await server.wait_closed()
    return result


async def idle_server(n):
    accepted = 0

    async def idle_handler(reader, writer):
        nonlocal accepted
        accepted += 1
        await reader.read(1)
        writer.close()

    server = await asyncio.start_server(idle_handler, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    await asyncio.sleep(0.05)
    before = vm_rss_kib()
    socks = []
    deadline = time.monotonic() + 20
    while len(socks) < n or accepted < n:
        for _ in range(min(100, n - len(socks))):
            socks.append(socket.create_connection(("127.0.0.1", port)))
        await asyncio.sleep(0.001)
        if time.monotonic() > deadline:
            raise RuntimeError("idle server: accepts did not complete")
    await asyncio.sleep(0.05)
    after = vm_rss_kib()
    for s in socks:
        s.close()
    server.close()
    await server.wait_closed()
    return 1024 * (after - before) / n


async def idle_client(n):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    port = listener.getsockname()[1]
    await asyncio.sleep(0.05)
    before = vm_rss_kib()
    pairs = [await asyncio.open_connection("127.0.0.1", port) for _ in range(n)]
    await asyncio.sleep(0.05)
    after = vm_rss_kib()
    for _, writer in pairs:
        writer.close()
    await asyncio.sleep(0.05)
    listener.close()
    return 1024 * (after - before) / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    parser.add_argument("--test", choices=["pingpong", "stream", "idle_server", "idle_client"], default="pingpong")
    parser.add_argument("--conns", type=int, default=16)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--duration", type=float, default=2.0)
    parser.add_argument("--warmup", type=float, default=0.3)
    args = parser.parse_args()
    if args.test == "stream":
        args.conns = 1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.loop == "uvloop":
        import uvloop
        run = lambda coro: uvloop.run(coro) if hasattr(uvloop, "run") else (uvloop.install(), asyncio.run(coro))[1]
    else:
        run = asyncio.run
    if args.test in ("idle_server", "idle_client"):
        per_conn = run(idle_server(args.conns) if args.test == "idle_server" else idle_client(args.conns))
        print(json.dumps({"impl": args.loop, "test": args.test, "conns": args.conns, "bytes_per_conn": round(per_conn)}))
    else:
        print(json.dumps(run(rate(args))))


if __name__ == "__main__":
    sys.exit(main())
