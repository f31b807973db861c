#!/usr/bin/env python3
"""Interop checks between the aiostreams examples and CPython, run by ctest.

  run_interop.py --bin-dir DIR MODE

MODE is one of
  our-client   our tcp_echo_client against CPython's asyncio echo server (py_echo_server.py)
  our-server   CPython's asyncio echo client (py_echo_client.py) against our tcp_echo_server
  ours         our tcp_echo_client against our tcp_echo_server
  http         our http_headers against CPython's http.server (python3 -m http.server)
  https        our http_headers against CPython's http.server behind ssl.SSLContext, and
               its errors: unknown CA, hostname mismatch, refused, bad URL

--tls runs the echo modes over TLS: the servers get --cert/--key, the clients --cafile.
TLS modes use a throwaway CA (tls_certs.py) in a temporary directory removed at exit.

Each mode starts the peer, runs the other side, compares the output exactly, stops the
peer, and exits non-zero with a diff on any difference. Every wait is bounded.
"""
import argparse
import email.utils
import functools
import http.server
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import tls_certs

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


def server_tls(certs):
    return ["--cert", certs.server_cert, "--key", certs.server_key] if certs else []


def client_tls(certs):
    return ["--cafile", certs.ca] if certs else []


def our_client(args, certs):
    messages = ["Hello World!", "it's \"quoted\"\tand tabbed", "don't"]
    peer = Peer([PY, os.path.join(HERE, "py_echo_server.py"), "--connections", str(len(messages)), *server_tls(certs)],
                r"PORT (\d+)")
    try:
        for message in messages:
            out = run([os.path.join(args.bin_dir, "tcp_echo_client"), "--port", str(peer.port), *client_tls(certs),
                       message])
            if out != echo_transcript(message):
                fail("tcp_echo_client output against CPython's server", echo_transcript(message), out)
        status, _ = peer.finish()
        if status != 0:
            fail(f"py_echo_server exited with {status}")
    finally:
        peer.kill()
    print(f"ok: our tcp_echo_client against CPython asyncio{' over TLS' if certs else ''}, {len(messages)} connections")


def our_server(args, certs, client_cmd, label):
    messages = ["Hello World!", "it's \"quoted\"\tand tabbed", "don't"]
    peer = Peer([os.path.join(args.bin_dir, "tcp_echo_server"), "--port", "0",
                 "--max-connections", str(len(messages)), *server_tls(certs)], r"^Serving on 127\.0\.0\.1:(\d+)$")
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
    print(f"ok: {label} against our tcp_echo_server{' over TLS' if certs else ''}, {len(messages)} connections")


def write_docs(root):
    """The one file the http modes serve: returns (its body, its path)."""
    body = "hello, aiostreams\n"
    os.makedirs(os.path.join(root, "docs"))
    target = os.path.join(root, "docs", "hello.txt")
    with open(target, "w") as f:
        f.write(body)
    return body, target


def http_headers(args):
    with tempfile.TemporaryDirectory(prefix="aiostreams-http-") as root:
        body, target = write_docs(root)
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


class Recorder:
    """A handler's wfile that also keeps a copy of every byte written through it."""

    def __init__(self, file, sent):
        self.file, self.sent = file, sent

    def write(self, data):
        self.sent += data
        return self.file.write(data)

    def __getattr__(self, name):
        return getattr(self.file, name)


class HttpsServer:
    """CPython's http.server behind ssl.SSLContext(PROTOCOL_TLS_SERVER) on 127.0.0.1, port 0,
    serving root from a thread of this process; .sent is every byte its responses wrote."""

    def __init__(self, root, cert, key):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        sent = self.sent = bytearray()

        class Handler(http.server.SimpleHTTPRequestHandler):
            def setup(self):
                super().setup()
                self.wfile = Recorder(self.wfile, sent)

            def log_message(self, *args):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
        # accept() does the handshake; one that fails raises SSLError there, which the server skips.
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def cpython_verdict(host, port, cafile=None):
    """What CPython's ssl.create_default_context() says of the certificate the server at port
    shows for host: None when accepted, otherwise its verify_message."""
    context = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        try:
            context.wrap_socket(sock, server_hostname=host).close()
            return None
        except ssl.SSLCertVerificationError as e:
            return e.verify_message


def expect_error(cmd, *needles):
    """cmd must fail (exit status > 0, not a signal) with one line on stderr holding every needle."""
    print("+ " + " ".join(cmd))
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
    print(done.stderr, end="")
    if done.returncode <= 0 or done.stdout or done.stderr.count("\n") != 1 or \
            not done.stderr.startswith("http_headers: ") or not all(n in done.stderr for n in needles):
        fail(f"expected exit > 0, no output and one line on stderr with {needles!r}; "
             f"got exit {done.returncode}, stdout {done.stdout!r}, stderr {done.stderr!r}")


def https_headers(args, certs):
    headers = os.path.join(args.bin_dir, "http_headers")
    with tempfile.TemporaryDirectory(prefix="aiostreams-https-") as root, \
            HttpsServer(root, certs.server_cert, certs.server_key) as good, \
            HttpsServer(root, certs.wrong_cert, certs.wrong_key) as wrong:
        write_docs(root)
        for host in ["localhost", "127.0.0.1"]:
            verdict = cpython_verdict(host, good.port, certs.ca)
            if verdict is not None:
                fail(f"CPython rejects the test certificate for {host}: {verdict}")
            good.sent.clear()
            out = run([headers, "--cafile", certs.ca, f"https://{host}:{good.port}/docs/hello.txt"])
            # The status line and headers: what the server wrote up to the blank line.
            head, blank, _ = good.sent.decode("latin-1").partition("\r\n\r\n")
            expected = "".join(f"HTTP header> {line}\n" for line in head.split("\r\n"))
            if not blank or out != expected:
                fail(f"http_headers over TLS to {host} against what CPython's server sent", expected, out)
            print(out, end="")

        # Errors: CPython's own reason for rejecting the certificate must be in ours.
        unknown_ca = cpython_verdict("localhost", good.port)
        mismatch = cpython_verdict("localhost", wrong.port, certs.ca)
        if unknown_ca is None or mismatch is None or "Hostname mismatch" not in mismatch:
            fail(f"CPython should reject these certificates: {unknown_ca!r}, {mismatch!r}")
        good.sent.clear()
        wrong.sent.clear()
        expect_error([headers, f"https://localhost:{good.port}/"], "certificate verify failed", unknown_ca)
        expect_error([headers, "--cafile", certs.ca, f"https://localhost:{wrong.port}/"],
                     "certificate verify failed", mismatch)
        if good.sent or wrong.sent:
            fail("a rejected server still got a request")
    with socket.socket() as closed:  # bound, not listening: connecting is refused
        closed.bind(("127.0.0.1", 0))
        expect_error([headers, f"https://127.0.0.1:{closed.getsockname()[1]}/"], "Connection refused")
    expect_error([headers, "--cafile", certs.ca, "ftp://localhost/"], "not an http:// or https:// URL")
    expect_error([headers, "--cafile", os.path.join(os.path.dirname(certs.ca), "missing.pem"), "https://localhost/"],
                 "missing.pem")
    print("ok: our http_headers against CPython's http.server over TLS; unknown CA, hostname mismatch, "
          "refused and bad input fail with one clear line")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--tls", action="store_true", help="the echo modes over TLS")
    parser.add_argument("mode", choices=["our-client", "our-server", "ours", "http", "https"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aiostreams-certs-") as cert_dir:
        certs = tls_certs.make(cert_dir) if args.tls or args.mode == "https" else None
        if args.mode == "our-client":
            our_client(args, certs)
        elif args.mode == "our-server":
            our_server(args, certs, lambda port, m: [PY, os.path.join(HERE, "py_echo_client.py"), "--port", str(port),
                                                     *client_tls(certs), m],
                       "CPython's asyncio echo client")
        elif args.mode == "ours":
            our_server(args, certs, lambda port, m: [os.path.join(args.bin_dir, "tcp_echo_client"), "--port", str(port),
                                                     *client_tls(certs), m],
                       "our tcp_echo_client")
        elif args.mode == "http":
            http_headers(args)
        else:
            https_headers(args, certs)


if __name__ == "__main__":
    main()
