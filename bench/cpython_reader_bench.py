#!/usr/bin/env python3
"""CPython's asyncio.StreamReader on the workloads of bench/reader_bench.cpp.

For each workload: build the same bytes, then per repetition a fresh StreamReader is fed
everything plus EOF and one coroutine reads it all. As in the C++ benches, the timing
(time.perf_counter) covers making the reader, feeding it and reading; asyncio.run's own
loop setup is outside. Best of --repetitions. Prints JSON:
  {"python": "...", "results": {name: {"seconds", "items", "bytes", "items_per_second",
                                       "bytes_per_second"}}}
"""
import argparse
import asyncio
import json
import platform
import sys
import time

MIB = 1 << 20


def make_lines(line_size, total):
    n = total // line_size
    out = bytearray()
    for k in range(n):
        out += bytes(ord("a") + (k + i) % 26 for i in range(line_size - 1)) if line_size <= 4096 else \
            _long_line(k, line_size - 1)
        out += b"\n"
    return bytes(out)


def _long_line(k, size):
    alphabet = bytes(ord("a") + (k + i) % 26 for i in range(26))
    return (alphabet * (size // 26 + 1))[:size]


def make_http_headers(total):
    block = (
        b"GET /index.html?q=aiostreams HTTP/1.1\r\n"
        b"Host: www.example.com\r\n"
        b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n"
        b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        b"Accept-Language: en-US,en;q=0.5\r\n"
        b"Accept-Encoding: gzip, deflate, br\r\n"
        b"Connection: keep-alive\r\n"
        b"Cookie: session=0123456789abcdef0123456789abcdef; theme=dark\r\n"
        b"Upgrade-Insecure-Requests: 1\r\n"
        b"Cache-Control: max-age=0\r\n"
        b"\r\n"
    )
    return block * (total // len(block))


def make_frames(payload, total):
    n = total // (4 + payload)
    out = bytearray()
    for k in range(n):
        out += payload.to_bytes(4, "big")
        out += bytes((k + i) & 0xFF for i in range(payload))
    return bytes(out)


async def read_lines(reader):
    items = nbytes = 0
    readline = reader.readline
    while True:
        line = await readline()
        if not line:
            break
        items += 1
        nbytes += len(line)
    return items, nbytes


async def read_crlf(reader):
    items = nbytes = 0
    readuntil = reader.readuntil
    while not reader.at_eof():
        line = await readuntil(b"\r\n")
        items += 1
        nbytes += len(line)
    return items, nbytes


async def read_frames(reader):
    items = nbytes = 0
    readexactly = reader.readexactly
    while not reader.at_eof():
        header = await readexactly(4)
        payload = await readexactly(int.from_bytes(header, "big"))
        items += 1
        nbytes += 4 + len(payload)
    return items, nbytes


def workloads(scale):
    total = max(MIB, int(8 * MIB * scale))
    return [
        ("readline_10B", lambda: make_lines(10, total), read_lines, 1 << 16),
        ("readline_100B", lambda: make_lines(100, total), read_lines, 1 << 16),
        ("readline_1MiB", lambda: make_lines(MIB, total), read_lines, 1 << 24),
        ("readuntil_crlf_http", lambda: make_http_headers(total), read_crlf, 1 << 16),
        ("readexactly_frames_100B", lambda: make_frames(100, total), read_frames, 1 << 16),
    ]


def bench(data, body, limit, repetitions):
    async def once():
        start = time.perf_counter()
        reader = asyncio.StreamReader(limit=limit)
        reader.feed_data(data)
        reader.feed_eof()
        counts = await body(reader)
        return time.perf_counter() - start, counts

    best = None
    counts = None
    for _ in range(repetitions):
        seconds, counts = asyncio.run(once())
        best = seconds if best is None else min(best, seconds)
    if counts[1] != len(data):
        raise SystemExit(f"read {counts[1]} of {len(data)} bytes")
    return {
        "seconds": best,
        "items": counts[0],
        "bytes": counts[1],
        "items_per_second": counts[0] / best,
        "bytes_per_second": counts[1] / best,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 8 MiB per workload")
    parser.add_argument("--filter", default="", help="substring of the workload names to run")
    args = parser.parse_args()
    results = {}
    for name, make, body, limit in workloads(args.scale):
        if args.filter not in name:
            continue
        results[name] = bench(make(), body, limit, args.repetitions)
        print(f"{name}: {results[name]['items_per_second']:.4g} items/s", file=sys.stderr)
    json.dump({"python": platform.python_version(), "executable": sys.executable, "results": results},
              sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
