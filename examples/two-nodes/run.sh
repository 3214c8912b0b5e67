#!/usr/bin/env bash
# Two eas-push nodes on one PostgreSQL database behind nginx, on this machine (README.md here).
#
#   examples/two-nodes/run.sh [postgres://USER:PASS@HOST/DB]
#
# Without a URL it starts a throwaway PostgreSQL (Debian's postgresql package) that is gone when
# this script ends. It migrates the database, starts node a and node b, puts nginx in front with
# eas-push.conf from this folder, adds a user and prints what to point a phone at. Ctrl-C stops
# everything. Stopping one node (kill PID) leaves the other serving, through the same nginx.
#
# Settings (environment): LISTEN (nginx, default 127.0.0.1:8000), TLS_CERT and TLS_KEY (PEM
# files: nginx serves HTTPS, needed for a LISTEN other than loopback), NODE_A_HTTP, NODE_B_HTTP
# (default 127.0.0.1:8081, :8082), NODE_A_SMTP, NODE_B_SMTP (127.0.0.1:2525, :2526; port 0 takes
# a free one), EAS_USER (alice@example.com), EAS_PASSWORD (default: a random one), WORK (where
# the generated config and the logs go; default a new temp dir), EAS_PUSH (the command, default
# this checkout: node --import tsx bin/eas-push.ts), NGINX (the nginx binary).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" # node --import tsx finds tsx from here
read -ra eas <<<"${EAS_PUSH:-node --import tsx $ROOT/bin/eas-push.ts}"
nginx=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
listen=${LISTEN:-127.0.0.1:8000}
user=${EAS_USER:-alice@example.com}
password=${EAS_PASSWORD:-$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')}
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/eas-push-two-nodes.XXXXXX")}
mkdir -p "$work"

die() { echo "run.sh: $*" >&2; exit 1; }
[ -x "$nginx" ] || die "nginx not found: apt-get install nginx-light (or set NGINX)"
tls=0
[ -n "${TLS_CERT:-}" ] && [ -n "${TLS_KEY:-}" ] && tls=1
case "$listen" in
  127.*|localhost:*|\[::1\]:*) ;;
  *) [ "$tls" = 1 ] || die "LISTEN=$listen is reachable from the network: give TLS_CERT and TLS_KEY (Basic auth must not cross it in clear)" ;;
esac

# Each child in its own process group (job control): Ctrl-C reaches this script only, which stops
# each node once (a second signal would make a node exit without answering its parked Pings).
set -m
node_pids=()
nginx_pid=
cleanup() {
  trap - INT TERM EXIT
  for pid in "${node_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$nginx_pid" ]; then kill -TERM "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  exec 3>&- # the demo PostgreSQL, if any, ends with this pipe
  exit "$1"
}
trap 'cleanup 1' EXIT
trap 'echo "Stopping..."; cleanup 0' INT TERM

url=${1:-}
if [ -z "$url" ]; then
  # fd 3 is the demo database's lifeline (demo-postgres.ts), closed when this script ends.
  exec 3> >(exec node --import tsx "$HERE/demo-postgres.ts" >"$work/postgres.url" 2>"$work/postgres.log")
  pg_pid=$!
  until [ -s "$work/postgres.url" ]; do
    kill -0 "$pg_pid" 2>/dev/null || die "the demo PostgreSQL did not start: $(cat "$work/postgres.log")"
    sleep 0.1
  done
  url=$(head -n1 "$work/postgres.url")
fi
shown_url=$(sed 's|://\([^:/@]*\):[^@]*@|://\1:***@|' <<<"$url")

# Once, before the nodes (they would also migrate at start, one after the other).
"${eas[@]}" migrate --store "$url"

# What phones reach nginx at; also what Autodiscover answers (--public-url).
scheme=http
[ "$tls" = 1 ] && scheme=https
host=${listen%:*}
[ "$host" = 0.0.0.0 ] && host=$(hostname -f 2>/dev/null || hostname)
public="$scheme://$host:${listen##*:}"

start_node() { # NAME HTTP SMTP
  "${eas[@]}" serve --store "$url" --http "$2" --smtp "$3" --trust-proxy --public-url "$public" >"$work/node-$1.log" 2>&1 &
  node_pids+=($!)
}
listening() { # NAME PID: prints the HTTP and SMTP addresses the node took (port 0: a free one)
  until grep -q '"msg":"listening"' "$work/node-$1.log"; do
    kill -0 "$2" 2>/dev/null || { echo "run.sh: node $1 did not start: $(cat "$work/node-$1.log")" >&2; return 1; }
    sleep 0.1
  done
  local line
  line=$(grep -m1 '"msg":"listening"' "$work/node-$1.log")
  echo "$(grep -o '"http":"[^"]*"' <<<"$line" | cut -d'"' -f4) $(grep -o '"smtp":"[^"]*"' <<<"$line" | cut -d'"' -f4)"
}
start_node a "${NODE_A_HTTP:-127.0.0.1:8081}" "${NODE_A_SMTP:-127.0.0.1:2525}"
start_node b "${NODE_B_HTTP:-127.0.0.1:8082}" "${NODE_B_SMTP:-127.0.0.1:2526}"
a_pid=${node_pids[0]}
b_pid=${node_pids[1]}
read -r a_http a_smtp < <(listening a "$a_pid") || true
read -r b_http b_smtp < <(listening b "$b_pid") || true
[ -n "${a_smtp:-}" ] && [ -n "${b_smtp:-}" ] || exit 1

# nginx: eas-push.conf with this machine's addresses, in a main config that keeps everything
# nginx writes (pid, logs, temp files) under $work and stays in the foreground.
site="$work/eas-push.conf"
sed -e "s/10\.0\.0\.11:8080/$a_http/" -e "s/10\.0\.0\.12:8080/$b_http/" -e "s|/var/log/nginx/|$work/|" \
  -e "s|listen 443 ssl;|listen $listen$([ "$tls" = 1 ] && echo ' ssl');|" \
  -e "s|/etc/letsencrypt/live/mail.example.com/fullchain.pem|${TLS_CERT:-}|" \
  -e "s|/etc/letsencrypt/live/mail.example.com/privkey.pem|${TLS_KEY:-}|" "$HERE/eas-push.conf" >"$site"
[ "$tls" = 1 ] || sed -i '/^ *ssl_/d' "$site"
grep -q '10\.0\.0\.1\|listen 443' "$site" && die "eas-push.conf changed shape: $site still has its example addresses"
as_user=
if [ "$(id -u)" = 0 ]; then
  as_user='user nobody nogroup;' # workers do not run as root; they reach their temp dirs below
  chmod 711 "$work"
fi
cat >"$work/nginx.conf" <<EOF
# Generated by examples/two-nodes/run.sh.
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
$as_user
events {
    worker_connections 1024; # two per phone: one from the phone, one to its node
}
http {
    client_body_temp_path $work/nginx-tmp/body;
    proxy_temp_path $work/nginx-tmp/proxy;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
    access_log off;
    include $site;
}
EOF
mkdir -p "$work/nginx-tmp"
ngx=("$nginx" -p "$work/" -e "$work/nginx-error.log" -c "$work/nginx.conf")
"${ngx[@]}" -t -q || die "nginx refused $work/nginx.conf"
"${ngx[@]}" &
nginx_pid=$!
# nginx writes its pid file once its sockets are bound.
until [ -s "$work/nginx.pid" ]; do
  kill -0 "$nginx_pid" 2>/dev/null || die "nginx did not start: $(cat "$work/nginx-error.log")"
  sleep 0.1
done

if ! added=$(printf '%s\n' "$password" | "${eas[@]}" user add "$user" --password-stdin --store "$url" 2>&1); then
  grep -qi 'exists' <<<"$added" || die "$added"
  password='(unchanged: the account was there already)'
fi

cat <<EOF

Two eas-push nodes on $shown_url, behind nginx:
  node a  pid $a_pid  http $a_http  smtp $a_smtp  log $work/node-a.log
  node b  pid $b_pid  http $b_http  smtp $b_smtp  log $work/node-b.log
  nginx   pid $nginx_pid  $public  access log $work/eas-push-access.log (which node answered)

Point a phone at:
  server    ${public#*://}   ($public/Microsoft-Server-ActiveSync)
  user      $user
  password  $password
Mail it through either node: swaks --server $a_smtp --to $user
Stop one node (kill $a_pid) and the phone carries on through the other. Ctrl-C stops everything.
EOF

# Report a node that stops; end when nginx or both nodes are gone.
running=("$a_pid" "$b_pid")
while :; do
  ended=
  status=0
  wait -n -p ended "$nginx_pid" "${running[@]}" || status=$?
  [ -n "$ended" ] || continue
  if [ "$ended" = "$nginx_pid" ]; then
    nginx_pid=
    die "nginx exited ($status): $(tail -n5 "$work/nginx-error.log")"
  fi
  name=a other=b
  [ "$ended" = "$b_pid" ] && name=b other=a
  echo "node $name (pid $ended) exited ($status): nginx sends every request to node $other"
  left=()
  for pid in "${running[@]}"; do [ "$pid" = "$ended" ] || left+=("$pid"); done
  [ ${#left[@]} -gt 0 ] || die "both nodes stopped"
  running=("${left[@]}")
done
