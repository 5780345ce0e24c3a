#!/usr/bin/env bash
# Radicale (CalDAV) for tests.
#   radicale.sh install           install Debian's radicale if it is missing (idempotent)
#   radicale.sh start DIR [PORT]  run it on 127.0.0.1 with a throwaway user, data in DIR;
#                                 prints "url user password pid" and leaves it running
#   radicale.sh stop DIR          stop the server started with DIR
# The tests start and stop their own server; `start`/`stop` are for trying it by hand.
set -euo pipefail

RADICALE=/usr/bin/radicale

install() {
  if [ -x "$RADICALE" ]; then return 0; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends radicale >/dev/null
  # Debian's policy keeps the packaged service from starting; the tests run their own.
  [ -x "$RADICALE" ]
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local dir=${1:?usage: radicale.sh start DIR [PORT]}
  local port=${2:-$(free_port)}
  install
  mkdir -p "$dir/collections"
  local user=tester password
  password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s:%s\n' "$user" "$password" >"$dir/users"
  cat >"$dir/config" <<CONF
[server]
hosts = 127.0.0.1:$port
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
[rights]
type = owner_only
[storage]
filesystem_folder = $dir/collections
[web]
type = none
[logging]
level = warning
CONF
  # Not `python3 -m radicale`: the python3 on PATH may not be Debian's and lack the module.
  "$RADICALE" --config "$dir/config" >"$dir/log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "http://127.0.0.1:$port/ $user $password $pid"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$dir/log" >&2; return 1; }
    sleep 0.1
  done
  echo "radicale did not start on port $port" >&2
  kill "$pid" 2>/dev/null || true
  return 1
}

stop() {
  local dir=${1:?usage: radicale.sh stop DIR}
  if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; rm -f "$dir/pid"; fi
}

case "${1:-install}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 install|start DIR [PORT]|stop DIR" >&2; exit 2 ;;
esac
