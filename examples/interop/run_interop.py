#!/usr/bin/env python3
"""Interop checks between the aiostreams examples and CPython, run by ctest.

  run_interop.py --bin-dir DIR MODE

MODE is one of
  our-client   our tcp_echo_client against CPython's asyncio echo server (py_echo_server.py)
  our-server   CPython's asyncio echo client (py_echo_client.py) against our tcp_echo_server
  ours         our tcp_echo_client against our tcp_echo_server
  http         our http_headers against CPython's http.server (python3 -m http.server)

Each mode starts the peer, runs the other side, compares the output exactly, stops the
peer, and exits non-zero with a diff on any difference. Every wait is bounded.
"""
import argparse
import email.utils
import http.server
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable  # the peers run on the same interpreter as this driver
TIMEOUT = 20


def fail(what, expected=None, actual=None):
    print(f"FAIL: {what}")
    if expected is not None:
        print("--- expected\n" + expected + "--- actual\n" + (actual or ""))
    sys.exit(1)


def run(cmd):
    print("+ " + " ".join(cmd))
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
    if done.stderr:
        print(done.stderr, end="")
    if done.returncode != 0:
        fail(f"{cmd[0]} exited with {done.returncode}", None)
    return done.stdout


class Peer:
    """A background process whose first stdout line carries its port."""

    def __init__(self, cmd, port_pattern, **kw):
        print("+ " + " ".join(cmd) + " &")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, **kw)
        self.first_line = self.proc.stdout.readline()  # the peer flushes it first thing
        match = re.search(port_pattern, self.first_line)
        if not match:
            self.kill()
            fail(f"peer printed no port: {self.first_line!r}")
        self.port = int(match.group(1))

    def finish(self):
        """Waits for a bounded peer to exit by itself; returns (status, rest of stdout)."""
        try:
            rest, _ = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            fail("peer did not exit")
        return self.proc.returncode, rest

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)


def echo_transcript(message):
    return f"Send: {message!r}\nReceived: {message!r}\nClose the connection\n"


def our_client(args):
    messages = ["Hello World!", "it's \"quoted\"\tand tabbed", "don't"]
    peer = Peer([PY, os.path.join(HERE, "py_echo_server.py"), "--connections", str(len(messages))], r"PORT (\d+)")
    try:
        for message in messages:
            out = run([os.path.join(args.bin_dir, "tcp_echo_client"), "--port", str(peer.port), message])
            if out != echo_transcript(message):
                fail("tcp_echo_client output against CPython's server", echo_transcript(message), out)
        status, _ = peer.finish()
        if status != 0:
            fail(f"py_echo_server exited with {status}")
    finally:
        peer.kill()
    print(f"ok: our tcp_echo_client against CPython asyncio, {len(messages)} connections")


def our_server(args, client_cmd, label):
    messages = ["Hello World!", "it's \"quoted\"\tand tabbed", "don't"]
    peer = Peer([os.path.join(args.bin_dir, "tcp_echo_server"), "--port", "0",
                 "--max-connections", str(len(messages))], r"^Serving on 127\.0\.0\.1:(\d+)$")
    try:
        for message in messages:
            out = run(client_cmd(peer.port, message))
            if out != echo_transcript(message):
                fail(f"{label} output against our tcp_echo_server", echo_transcript(message), out)
        status, rest = peer.finish()
        if status != 0:
            fail(f"tcp_echo_server exited with {status}")
    finally:
        peer.kill()
    # The server's own transcript, with the client ports masked.
    masked = re.sub(r"\('127\.0\.0\.1', \d+\)", "('127.0.0.1', PORT)", rest)
    expected = "".join(f"Received {m!r} from ('127.0.0.1', PORT)\nSend: {m!r}\nClose the connection\n"
                       for m in messages) + f"Served {len(messages)} connections\n"
    if masked != expected:
        fail("tcp_echo_server transcript", expected, masked)
    print(f"ok: {label} against our tcp_echo_server, {len(messages)} connections")


def http_headers(args):
    with tempfile.TemporaryDirectory(prefix="aiostreams-http-") as root:
        body = "hello, aiostreams\n"
        os.makedirs(os.path.join(root, "docs"))
        target = os.path.join(root, "docs", "hello.txt")
        with open(target, "w") as f:
            f.write(body)
        peer = Peer([PY, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", root],
                    r"port (\d+)", stderr=subprocess.DEVNULL)
        try:
            before = time.time()
            out = run([os.path.join(args.bin_dir, "http_headers"),
                       f"http://127.0.0.1:{peer.port}/docs/hello.txt?query=ignored"])
            after = time.time()
        finally:
            peer.kill()
        handler = http.server.SimpleHTTPRequestHandler
        lines = out.splitlines(keepends=True)
        # Date is the server's clock at the request: any second between before and after.
        dates = {email.utils.formatdate(t, usegmt=True) for t in range(int(before), int(after) + 2)}
        date_line = next((l for l in lines if l.startswith("HTTP header> Date: ")), "")
        date = date_line[len("HTTP header> Date: "):].rstrip("\n")
        expected = (
            "HTTP header> HTTP/1.0 200 OK\n"
            f"HTTP header> Server: {handler.server_version} {handler.sys_version}\n"
            f"HTTP header> Date: {date if date in dates else sorted(dates)[0]}\n"
            "HTTP header> Content-type: text/plain\n"
            f"HTTP header> Content-Length: {len(body)}\n"
            f"HTTP header> Last-Modified: {email.utils.formatdate(os.stat(target).st_mtime, usegmt=True)}\n")
        if out != expected:
            fail("http_headers output against CPython's http.server", expected, out)
    print(out, end="")
    print("ok: our http_headers against CPython's http.server")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("mode", choices=["our-client", "our-server", "ours", "http"])
    args = parser.parse_args()
    if args.mode == "our-client":
        our_client(args)
    elif args.mode == "our-server":
        our_server(args, lambda port, m: [PY, os.path.join(HERE, "py_echo_client.py"), "--port", str(port), m],
                   "CPython's asyncio echo client")
    elif args.mode == "ours":
        our_server(args, lambda port, m: [os.path.join(args.bin_dir, "tcp_echo_client"), "--port", str(port), m],
                   "our tcp_echo_client")
    else:
        http_headers(args)


if __name__ == "__main__":
    main()
