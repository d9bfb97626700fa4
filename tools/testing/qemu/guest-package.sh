#!/bin/bash
# Runs inside the VM (tools/testing/package-test.sh): the module DKMS built
# when tcptrail-dkms was installed, loaded by modprobe (not the checkout's
# tcptrail.ko), and a timeline read by the installed /usr/sbin/tcptrail.
set -euo pipefail

kv=$(uname -r)
path=$(modinfo -n tcptrail) || { echo "guest-package: modinfo finds no tcptrail module for $kv"; exit 1; }
case $path in
/lib/modules/$kv/updates/dkms/*|/lib/modules/$kv/extra/*) ;;
*) echo "guest-package: tcptrail for $kv is $path, not DKMS's"; exit 1 ;;
esac
modprobe tcptrail
echo "guest-package: loaded $path"

python3 - <<'PY'
import socket
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
port = srv.getsockname()[1]
c = socket.create_connection(("127.0.0.1", port))
s, _ = srv.accept()
c.sendall(b"x" * 100)
s.recv(100)
c.close()
s.close()
srv.close()
open("/tmp/guest-package.port", "w").write(str(port))
PY
port=$(cat /tmp/guest-package.port)
out=$(/usr/sbin/tcptrail timeline --port "$port" --no-color)
echo "$out"
grep -q "ESTABLISHED" <<< "$out" || { echo "guest-package: no ESTABLISHED in the installed tool's timeline"; exit 1; }
grep -q "^client 127.0.0.1:[0-9]* -> 127.0.0.1:$port" <<< "$out" || { echo "guest-package: no client line for port $port"; exit 1; }
rmmod tcptrail
echo "guest-package: ok"
