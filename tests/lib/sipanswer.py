#!/usr/bin/env python3
# sipanswer.py: a TLS server on loopback that answers whatever comes with
# one canned answer, for the hostile SIP cases edgeprobe must survive.
#
#	sipanswer.py ADDR PORT CERT KEY MODE PORTFILE
#
# PORT 0 picks a free port, written to PORTFILE once listening. MODE:
#   truncated  "SIP/2.0 200 O" and close (no end of the head)
#   oversized  a 200 whose head never ends: 64 KiB of header lines
#   flood      100 Trying answers without end, never a final one
#   http       an HTTP/1.1 answer (not SIP)
#   silent     reads the request, answers nothing, keeps the connection
#   ok         "SIP/2.0 405 Method Not Allowed" (a final answer)
# Each connection is served in turn; the server lives at most 120 s.
import socket
import ssl
import sys
import time

addr, port, cert, key, mode, portfile = sys.argv[1:7]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, int(port)))
srv.listen(16)
srv.settimeout(1.0)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
import os
os.rename(portfile + ".tmp", portfile)

HEAD = b"SIP/2.0 %s\r\nVia: SIP/2.0/TLS x\r\nCSeq: 1 OPTIONS\r\n"
end = time.time() + 120
while time.time() < end:
    try:
        raw, _ = srv.accept()
    except socket.timeout:
        continue
    raw.settimeout(10)
    try:
        c = ctx.wrap_socket(raw, server_side=True)
        c.recv(4096)
        if mode == "truncated":
            c.sendall(b"SIP/2.0 200 O")
        elif mode == "oversized":
            c.sendall(HEAD % b"200 OK")
            for i in range(1024):
                c.sendall(b"X-Pad-%04d: %s\r\n" % (i, b"a" * 50))
        elif mode == "flood":
            t = time.time() + 8
            while time.time() < t:
                c.sendall(HEAD % b"100 Trying" + b"Content-Length: 0\r\n\r\n")
        elif mode == "http":
            c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        elif mode == "silent":
            time.sleep(8)
        else:
            c.sendall(HEAD % b"405 Method Not Allowed" +
                      b"Server: sipanswer\r\nContent-Length: 0\r\n\r\n")
        c.close()
    except (OSError, ssl.SSLError):
        pass
    finally:
        raw.close()
