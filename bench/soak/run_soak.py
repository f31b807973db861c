#!/usr/bin/env python3
"""The soak and load suite: each scenario on our Asio backend and on CPython asyncio in the
same run, loopback only, then a summary table.

    bench/soak/run_soak.py [--form short|full] [--build build] [--impls ours,cpython]

Scenarios (full form / short form):
  timed   4,000,000 / 200,000 requests, each a live wait_for(readline(), 3600) on one
          connection, behind one idle connection's wait_for: server RSS start, peak, end
  mass    19,900 / 2,000 connections closed at once (the full form is below the 20,000
          descriptors a process may have here): the longest stall a probe client saw and the
          server's CPU time while the closes drained
  slow    1,000 connections x 100 MiB / 20 x 4 MiB to a reader that sleeps 1 ms per 64 KiB
          read: server RSS peak (bounded by flow control, not by the bytes sent)
  emfile  (every form) a flood of 320 connections at a server limited to 256 descriptors
          (RLIMIT_NOFILE) with asyncio's default backlog of 100, then recovery: the server
          keeps serving, a new connection is answered after the flood closes, and its
          descriptors go back to where they were
  The smoke form (20,000 requests, 500 connections, 8 x 1 MiB) is the sanitized ctest's.

Exits non-zero if a scenario failed (a client error, or our server's memory not bounded).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FORMS = {
    "full": {"timed": 4_000_000, "mass": 19_900, "slow": (1000, 100 << 20)},
    "short": {"timed": 200_000, "mass": 2_000, "slow": (20, 4 << 20)},
    # the sanitized ctest: the same scenarios, small enough for ASan in well under 2 minutes
    "smoke": {"timed": 20_000, "mass": 500, "slow": (8, 1 << 20)},
}
EMFILE_LIMIT = 256
EMFILE_BACKLOG = 100  # asyncio's default; CPython logs once per backlog slot on EMFILE
EMFILE_FLOOD = 320
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE / (1 << 20)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class Server:
    """A server process, its port, and an RSS sampler (every 20 ms)."""

    def __init__(self, command, fd_limit=None):
        def limit():
            if fd_limit:
                resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, preexec_fn=limit)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("port "):
            raise RuntimeError(f"{command[0]} did not start: {line!r}")
        self.port = int(line.split()[1])
        self.pid = self.proc.pid
        self.start_rss = rss_mib(self.pid)
        self.peak_rss = self.start_rss
        self._stop = False
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self):
        while not self._stop:
            try:
                self.peak_rss = max(self.peak_rss, rss_mib(self.pid))
            except OSError:
                return
            time.sleep(0.02)

    def stop(self):
        end = rss_mib(self.pid)
        self.peak_rss = max(self.peak_rss, end)
        self._stop = True
        self._sampler.join()
        self.proc.stdin.close()  # the server exits when stdin closes
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = "killed"
        return end, code


def client(build, args, timeout):
    out = subprocess.run([os.path.join(build, "bin", "soak_client"), *map(str, args)],
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"soak_client {' '.join(map(str, args))}: {out.stderr.strip() or out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def server_command(build, impl, *args):
    if impl == "ours":
        return [os.path.join(build, "bin", "soak_server"), *args]
    return [sys.executable, os.path.join(HERE, "soak_server_asyncio.py"), *args]


def run_timed(build, impl, n):
    server = Server(server_command(build, impl, "lines"))
    try:
        result = client(build, ["timed", server.port, n], timeout=3600)
    finally:
        end, code = server.stop()
    return {"start MiB": server.start_rss, "peak MiB": server.peak_rss, "end MiB": end,
            "seconds": result["seconds"], "ok": code == 0}


def run_mass(build, impl, n):
    server = Server(server_command(build, impl, "lines"))
    # CPU: the server's user + system time over the whole run (connects, then the closes).
    try:
        cpu_before = cpu_seconds(server.pid)
        result = client(build, ["mass", server.port, n], timeout=600)
        cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        end, code = server.stop()
    return {"stall ms": result["stall_ms"], "drain s": result["drain_s"], "server CPU s": cpu,
            "peak MiB": server.peak_rss, "ok": code == 0}


def run_slow(build, impl, conns, size):
    server = Server(server_command(build, impl, "sink", "0.001"))
    try:
        result = client(build, ["slow", server.port, conns, size], timeout=7200)
    finally:
        end, code = server.stop()
    return {"start MiB": server.start_rss, "peak MiB": server.peak_rss, "end MiB": end,
            "seconds": result["seconds"], "ok": code == 0 and result["confirmed"] == conns}


def run_emfile(build, impl):
    server = Server(server_command(build, impl, "lines", str(EMFILE_BACKLOG)), fd_limit=EMFILE_LIMIT)
    try:
        fds_before = fd_count(server.pid)
        result = client(build, ["emfile", server.port, EMFILE_FLOOD], timeout=300)
        deadline = time.monotonic() + 5  # closes still in flight settle first
        while (fds_after := fd_count(server.pid)) > fds_before and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        end, code = server.stop()
    return {"served in flood": result["served_during_flood"], "recovery s": result["recovery_s"],
            "fds before": fds_before, "fds after": fds_after,
            "ok": code == 0 and result["recovered"] and fds_after <= fds_before}


def fmt(value):
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return str(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--form", choices=FORMS, default="short")
    parser.add_argument("--build", default="build", help="the build directory with bin/soak_server, bin/soak_client")
    parser.add_argument("--impls", default="ours,cpython")
    parser.add_argument("--scenarios", default="timed,mass,slow,emfile")
    parser.add_argument("--sanitized", action="store_true",
                        help="servers built with ASan: no RSS verdict (its quarantine keeps freed memory)")
    args = parser.parse_args()
    form = FORMS[args.form]
    impls = args.impls.split(",")
    runners = {
        "timed": lambda impl: run_timed(args.build, impl, form["timed"]),
        "mass": lambda impl: run_mass(args.build, impl, form["mass"]),
        "slow": lambda impl: run_slow(args.build, impl, *form["slow"]),
        "emfile": lambda impl: run_emfile(args.build, impl),
    }
    failed = False
    rows = []
    for scenario in args.scenarios.split(","):
        for impl in impls:
            started = time.monotonic()
            try:
                row = runners[scenario](impl)
            except Exception as e:  # one failed scenario does not hide the others
                row = {"error": str(e)[:200], "ok": False}
            row["wall s"] = time.monotonic() - started
            failed |= not row["ok"]
            rows.append((scenario, impl, row))
            print(f"{scenario:7} {impl:8} " + ", ".join(f"{k} {fmt(v)}" for k, v in row.items()), flush=True)
    # ours must stay flat where CPython does: timed end RSS within 2x of the start + 16 MiB
    for scenario, impl, row in rows:
        if args.sanitized:
            break
        if scenario == "timed" and impl == "ours" and "end MiB" in row and row["end MiB"] > 2 * row["start MiB"] + 16:
            print(f"timed: our server's RSS grew from {row['start MiB']:.1f} to {row['end MiB']:.1f} MiB")
            failed = True
    print(f"\nsoak ({args.form} form)")
    print(f"{'scenario':8} {'impl':8} figures")
    for scenario, impl, row in rows:
        print(f"{scenario:8} {impl:8} " + "  ".join(f"{k}={fmt(v)}" for k, v in row.items()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
