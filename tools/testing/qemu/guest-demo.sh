#!/bin/bash
# Runs inside the VM for `make demo`: real connections, then what tcptrail saw.
set -euo pipefail

: "${TCPTRAIL_KO:?not inside the test VM: run make demo}"
cd "$TCPTRAIL_ROOT"

insmod "$TCPTRAIL_KO"
echo "== tcptrail.ko loaded: $(dmesg | grep -o 'tcptrail: recording.*' | tail -n 1)"

python3 - <<'PY'
import http.server, socket, threading, urllib.request

# An HTTP server and two clients, IPv4 and IPv6: the client closes first
# under HTTP/1.0, so its side goes through FIN_WAIT1/FIN_WAIT2.
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

class Server6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6

for server_class, host in ((http.server.ThreadingHTTPServer, "127.0.0.1"), (Server6, "::1")):
    server = server_class((host, 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    url = "http://%s:%d/" % (host if ":" not in host else "[%s]" % host, port)
    body = urllib.request.urlopen(url).read()
    print("GET %s: %d bytes" % (url, len(body)))
    server.shutdown()
    server.server_close()

# A refused connect: nobody listens on this port.
try:
    socket.create_connection(("127.0.0.1", 9))
except ConnectionRefusedError:
    print("connect to 127.0.0.1:9: refused")

# An abortive close: SO_LINGER 0 sends a RST instead of a FIN.
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
accepted, _ = listener.accept()
client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
client.close()
print("reset a connection to %s:%d" % listener.getsockname())
accepted.close()
listener.close()
PY
sleep 0.2

echo
echo "== /proc/net/tcptrail/events"
cat /proc/net/tcptrail/events
if [ -x user/tcptrail ]; then
	echo
	echo "== tcptrail timeline"
	user/tcptrail timeline --no-color
	# The IPv4 HTTP conversation: the only IPv4 one that passed LAST_ACK.
	echo
	echo "== tcptrail ladder --ipv4 --state LAST_ACK (the IPv4 HTTP conversation, both ends)"
	user/tcptrail ladder --no-color --ipv4 --state LAST_ACK
fi
rmmod tcptrail
