#!/usr/bin/env python3
"""Runs the loopback network benchmark for aiostreams, hand-written Asio, CPython asyncio
and CPython + uvloop in one go and prints a markdown table with the ratios.

  python3 bench/run_net_bench.py [--build-dir build] [--quick] [--only ours]

Needs the aiostreams_net_bench target (a Release build: see README "Network benchmark").
Every implementation runs its server and its clients on one thread and one event loop
in its own process; the runs are interleaved test by test.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PINGPONG = [(conns, size) for size in (64, 16384) for conns in (1, 16, 256)]
STREAM_SIZE = 16384
IDLE_CONNS = 1000
IMPLS = ["ours", "asio", "uvloop", "asyncio"]
LABEL = {"ours": "aiostreams", "asio": "Asio (hand-written)", "uvloop": "CPython + uvloop", "asyncio": "CPython asyncio"}


def python_for_uvloop():
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def command(impl, args, test, conns, size, duration, warmup):
    common = ["--test", test, "--conns", str(conns), "--size", str(size),
              "--duration", str(duration), "--warmup", str(warmup)]
    if impl in ("ours", "asio"):
        return [os.path.join(args.build_dir, "bin", "aiostreams_net_bench"), "--impl", impl] + common
    return [args.python, os.path.join(HERE, "net_bench_asyncio.py"), "--loop", impl] + common


def run(cmd):
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def fmt(x):
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g}{unit}"
    return f"{x:.3g}"


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--python", default=python_for_uvloop(), help="the CPython with uvloop installed")
    parser.add_argument("--quick", action="store_true", help="a smoke run: short timings, 100 idle connections")
    parser.add_argument("--duration", type=float, default=None, help="seconds measured per test (default 2)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per cell, interleaved; the best counts (default 2, 1 with --quick)")
    parser.add_argument("--only", choices=IMPLS, action="append", help="run only these implementations")
    args = parser.parse_args()
    duration = args.duration or (0.2 if args.quick else 2.0)
    warmup = 0.05 if args.quick else 0.3
    idle_conns = 100 if args.quick else IDLE_CONNS
    impls = args.only or IMPLS
    repeat = args.repeat or (1 if args.quick else 2)
    started = time.time()

    rates = {}  # (test label) -> {impl: rate}
    rows = [(f"ping-pong, {c} conn{'s' if c > 1 else ''}, {s if s < 1024 else str(s // 1024) + ' KiB'}"
             f"{' bytes' if s < 1024 else ''}", "pingpong", c, s) for c, s in PINGPONG]
    rows.append((f"streaming, 1 conn, {STREAM_SIZE // 1024} KiB writes (MB/s)", "stream", 1, STREAM_SIZE))
    for label, test, conns, size in rows:
        rates[label] = {impl: 0.0 for impl in impls}
        for _ in range(repeat):
            for impl in impls:
                rate = run(command(impl, args, test, conns, size, duration, warmup))["rate"]
                rates[label][impl] = max(rates[label][impl], rate)
    memory = {}
    for impl in [i for i in impls if i in ("ours", "uvloop", "asyncio")]:
        memory[impl] = {side: run(command(impl, args, f"idle_{side}", idle_conns, 1, duration, warmup))["bytes_per_conn"]
                        for side in ("server", "client")}
    elapsed = time.time() - started

    cpu = platform.machine()
    cores = os.cpu_count()
    pyver = subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0])"],
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    print(f"CPU: {cpu}, {cores} cores; CPython {pyver}; {duration:g} s measured per cell after "
          f"{warmup:g} s warm-up, best of {repeat} interleaved runs; whole run {elapsed:.0f} s.\n")
    head = "| test | " + " | ".join(LABEL[i] for i in impls)
    cmp = [(o, f"ours/{o}") for o in ("asio", "uvloop", "asyncio") if o in impls and "ours" in impls]
    head += "".join(f" | {c}" for _, c in cmp) + " |"
    print("Round trips/s (ping-pong) and MB/s (streaming):\n")
    print(head)
    print("|---|" + "---:|" * (len(impls) + len(cmp)))
    for label, test, _, _ in rows:
        r = rates[label]
        scale = 1e-6 if test == "stream" else 1
        cells = [fmt(r[i] * scale) if test != "stream" else f"{r[i] * scale:,.0f}" for i in impls]
        cells += [ratio(r["ours"], r[o]) for o, _ in cmp]
        print(f"| {label} | " + " | ".join(cells) + " |")
    if memory:
        print(f"\nMemory per idle connection ({idle_conns} connections, VmRSS growth / connections):\n")
        print("| implementation | server side (handler waiting in read) | client side (open_connection pair held) |")
        print("|---|---:|---:|")
        for impl, m in memory.items():
            print(f"| {LABEL[impl]} | {m['server']:,.0f} B | {m['client']:,.0f} B |")

    target_row = rows[PINGPONG.index((16, 64))][0]
    print("\nTargets:")
    if "ours" in impls and "asio" in impls:
        r = rates[target_row]
        verdict = "met" if r["ours"] >= 0.9 * r["asio"] else "MISSED"
        print(f"- within 10% of hand-written Asio on 16 connections x 64 bytes: {verdict} "
              f"(ours {fmt(r['ours'])}/s, Asio {fmt(r['asio'])}/s, ratio {r['ours'] / r['asio']:.2f})")
    if "ours" in memory:
        per = memory["ours"]["server"]
        print(f"- at most 2 KiB per idle connection (server side): {'met' if per <= 2048 else 'MISSED'} "
              f"({per:,.0f} B; client side {memory['ours']['client']:,.0f} B)")


if __name__ == "__main__":
    main()
