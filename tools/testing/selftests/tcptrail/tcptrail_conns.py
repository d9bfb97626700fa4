#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Loopback connections for the shell tests: tcptrail_conns.py N RESETS [PORT]
# makes N connections to a listener on PORT (0 or none: any free port).
# Each sends 100 bytes; the client closes first, the first RESETS of them
# with a RST (SO_LINGER 0: no TIME_WAIT), the others with a FIN (the client
# goes to TIME_WAIT); the server then closes.
import socket
import struct
import sys

n, resets = int(sys.argv[1]), int(sys.argv[2])
port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
listener = socket.create_server(("127.0.0.1", port))
port = listener.getsockname()[1]
for i in range(n):
    c = socket.create_connection(("127.0.0.1", port))
    s, _ = listener.accept()
    c.sendall(b"x" * 100)
    s.recv(100)
    if i < resets:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    try:
        s.recv(10)
    except ConnectionResetError:
        pass
    s.close()
listener.close()
