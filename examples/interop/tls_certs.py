"""A throwaway CA and two server certificates it signed, for the TLS interop checks.

make(directory) writes them with the openssl command line and returns their paths:
  ca                        the CA (what the clients are told to trust)
  server_cert, server_key   valid for localhost and 127.0.0.1
  wrong_cert, wrong_key     valid only for wrong.invalid: a hostname mismatch for localhost
The caller removes the directory.
"""
import os
import subprocess
import types

EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=20)


def make(directory):
    path = lambda name: os.path.join(directory, name)
    openssl("req", "-x509", *EC_KEY, "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2",
            "-subj", "/CN=aiostreams interop CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    for name, alt_names in [("server", "DNS:localhost,IP:127.0.0.1"), ("wrong", "DNS:wrong.invalid")]:
        with open(path(name + ".ext"), "w") as ext:
            ext.write(f"subjectAltName={alt_names}\n"
                      "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
                      "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
        openssl("req", *EC_KEY, "-keyout", path(name + ".key"), "-out", path(name + ".csr"),
                "-subj", f"/O=aiostreams/CN={alt_names.split(',')[0][4:]}")
        openssl("x509", "-req", "-in", path(name + ".csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                "-CAcreateserial", "-out", path(name + ".pem"), "-days", "2", "-extfile", path(name + ".ext"))
    return types.SimpleNamespace(ca=path("ca.pem"), server_cert=path("server.pem"), server_key=path("server.key"),
                                 wrong_cert=path("wrong.pem"), wrong_key=path("wrong.key"))
