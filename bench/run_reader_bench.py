#!/usr/bin/env python3
"""Runs the reader benchmarks of aiostreams, the hand-written Asio baseline and CPython's
asyncio.StreamReader in one go and prints a markdown comparison table.

  python3 bench/run_reader_bench.py [--build-dir build] [--quick]

The Asio column is the faster of its two variants (see bench/asio_read_until_bench.cpp),
named in the table.
"""
import argparse
import glob
import json
import os
import platform
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

WORKLOADS = [
    ("readline_10B", "readline, 10-byte lines"),
    ("readline_100B", "readline, 100-byte lines"),
    ("readline_1MiB", "readline, 1 MiB lines"),
    ("readuntil_crlf_http", 'readuntil("\\r\\n"), HTTP headers'),
    ("readexactly_frames_100B", "readexactly, 4-byte length + 100-byte frames"),
]

# Targets from the issue: (workload, versus, minimum ratio).
TARGETS = [
    ("readline_100B", "CPython", 15.0),
    ("readline_100B", "Asio", 1.5),
    ("readline_1MiB", "CPython", 2.0),
    ("readexactly_frames_100B", "CPython", 20.0),
]


def newest_python():
    if os.path.exists("/usr/bin/python3.11"):
        return "/usr/bin/python3.11"
    candidates = sorted(glob.glob("/usr/bin/python3.[0-9]*"),
                        key=lambda p: tuple(int(x) for x in p.rsplit("python", 1)[1].split(".") if x.isdigit()))
    candidates = [c for c in candidates if not c.endswith("-config")]
    return candidates[-1] if candidates else (shutil.which("python3") or sys.executable)


def run_gbench(binary, extra):
    cmd = [binary, "--benchmark_format=json"] + extra
    print("+ " + " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    results = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        if b.get("error_occurred"):
            raise SystemExit(f"{b['name']}: {b.get('error_message')}")
        name = b.get("run_name", b["name"]).replace("/real_time", "")
        results[name] = b
    return results


def ns_per_byte(bench, size):
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[bench.get("time_unit", "ns")]
    return bench["real_time"] * scale / size


def fmt_rate(x):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g}{unit}"
    return f"{x:.3g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--python", default=newest_python())
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: short timings, no 16 MiB line")
    parser.add_argument("--min-time", type=float, default=None, help="--benchmark_min_time for the C++ benches")
    parser.add_argument("--json", help="also write every raw result to this file")
    args = parser.parse_args()

    bindir = os.path.join(args.build_dir, "bin")
    ours_bin = os.path.join(bindir, "aiostreams_reader_bench")
    asio_bin = os.path.join(bindir, "aiostreams_asio_read_until_bench")
    for b in (ours_bin, asio_bin):
        if not os.path.exists(b):
            raise SystemExit(f"{b} not found: build the targets aiostreams_reader_bench and "
                             "aiostreams_asio_read_until_bench first")

    min_time = args.min_time if args.min_time is not None else (0.05 if args.quick else 1.0)
    gb_args = [f"--benchmark_min_time={min_time}"]
    if not args.quick:
        gb_args += ["--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true"]
    ours_filter = ["--benchmark_filter=^BM_read(line|until_crlf|exactly)|bytewise/(65536|4194304)/"] if args.quick else []

    ours = run_gbench(ours_bin, gb_args + ours_filter)
    asio = run_gbench(asio_bin, gb_args)
    py_cmd = [args.python, os.path.join(HERE, "cpython_reader_bench.py"),
              "--repetitions", "2" if args.quick else "7"] + (["--scale", "0.25"] if args.quick else [])
    print("+ " + " ".join(py_cmd), file=sys.stderr)
    cpy = json.loads(subprocess.run(py_cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)

    def pick_ours(w):
        return ours.get(f"BM_{w}")

    def pick_asio(w):
        cands = [(v, k.rsplit("_", 1)[1]) for k, v in asio.items() if k.startswith(f"BM_{w}_")]
        return max(cands, key=lambda c: c[0]["items_per_second"]) if cands else (None, "")

    rows = []
    ratios = {}
    print()
    print(f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"CPython {cpy['python']}; C++: median of 3 repetitions, CPython best-of.")
    print()
    print("| workload | aiostreams ops/s | aiostreams MB/s | Asio ops/s | Asio MB/s | CPython ops/s | CPython MB/s "
          "| ours/CPython | ours/Asio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key, label in WORKLOADS:
        o = pick_ours(key)
        a, variant = pick_asio(key)
        c = cpy["results"].get(key)
        if o is None or a is None or c is None:
            continue
        r_c = o["items_per_second"] / c["items_per_second"]
        r_a = o["items_per_second"] / a["items_per_second"]
        ratios[(key, "CPython")] = r_c
        ratios[(key, "Asio")] = r_a
        rows.append(key)
        print(f"| {label} | {fmt_rate(o['items_per_second'])} | {o['bytes_per_second'] / 1e6:,.0f} "
              f"| {fmt_rate(a['items_per_second'])} ({variant}) | {a['bytes_per_second'] / 1e6:,.0f} "
              f"| {fmt_rate(c['items_per_second'])} | {c['bytes_per_second'] / 1e6:,.0f} "
              f"| {r_c:.1f}x | {r_a:.2f}x |")

    print()
    bytewise = {k: v for k, v in ours.items() if "bytewise" in k}
    sizes = sorted(int(k.split("/")[1]) for k in bytewise)
    if sizes:
        parts = []
        for s in sizes:
            b = next(v for k, v in bytewise.items() if k.split("/")[1] == str(s))
            label = f"{s >> 20} MiB" if s >= 1 << 20 else f"{s >> 10} KiB"
            parts.append(f"{label}: {ns_per_byte(b, s):.1f} ns/byte ({b['real_time']:.0f} ms)")
        print("One line fed 1 byte at a time (readuntil(\"\\n\") against a feeder task that yields after "
              "each byte): " + "; ".join(parts))
        big = [s for s in sizes if s >= 1 << 20]
        if len(big) >= 2:
            lo = next(v for k, v in bytewise.items() if k.split("/")[1] == str(big[0]))
            hi = next(v for k, v in bytewise.items() if k.split("/")[1] == str(big[-1]))
            print(f"Per-byte cost ratio {big[-1] >> 20} MiB / {big[0] >> 20} MiB: "
                  f"{ns_per_byte(hi, big[-1]) / ns_per_byte(lo, big[0]):.2f} (1.00 = linear)")
    print()
    print("Targets:")
    for key, versus, need in TARGETS:
        if (key, versus) in ratios:
            got = ratios[(key, versus)]
            print(f"- {key} vs {versus}: {got:.2f}x (target {need:g}x) {'met' if got >= need else 'MISSED'}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"aiostreams": ours, "asio": asio, "cpython": cpy}, f, indent=2)


if __name__ == "__main__":
    main()
