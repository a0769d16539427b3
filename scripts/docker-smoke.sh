#!/bin/sh
# Docker smoke test (manual, not part of CI): builds the image with docker or podman, runs it with --network host
# against the fakes (fakes/serve.ts, run from this checkout with tsx: the image never contains them), and checks
# /healthz 200, the Discord gateway ready, the HEALTHCHECK kept, the non-root user, the /data volume in use, and a
# clean stop (exit 0) on SIGTERM. Prints the image size and node_modules/better-sqlite3's size inside it.
#
#   sh scripts/docker-smoke.sh
#
# ENGINE=docker|podman (default: docker when its daemon answers, else podman; may carry global flags, e.g.
# "podman --runtime runc"), IMAGE (default localhost/anilink:smoke), PORT (default 3917), SKIP_BUILD=1 to reuse
# IMAGE, BUILD_FLAGS / RUN_FLAGS for extra flags a particular host needs.
set -eu
cd "$(dirname "$0")/.."

if [ -z "${ENGINE:-}" ]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then ENGINE=docker; else ENGINE=podman; fi
fi
image="${IMAGE:-localhost/anilink:smoke}"
port="${PORT:-3917}"
name="anilink-smoke-$$"
work="$(mktemp -d)"
fakes_pid=""

cleanup() {
  $ENGINE rm -f "$name" >/dev/null 2>&1 || true
  [ -n "$fakes_pid" ] && kill "$fakes_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

fail() {
  echo "✗ $1" >&2
  $ENGINE logs "$name" 2>&1 | tail -n 30 >&2 || true
  exit 1
}
ok() { echo "✓ $1"; }

# Only podman needs asking for Docker's image format; OCI images drop the HEALTHCHECK.
format_flag=""
case "$ENGINE" in podman*) format_flag="--format docker" ;; esac
if [ "${SKIP_BUILD:-}" != 1 ]; then
  # shellcheck disable=SC2086 # ENGINE, BUILD_FLAGS and format_flag are word lists on purpose
  $ENGINE build $format_flag ${BUILD_FLAGS:-} -t "$image" . || fail "the image did not build"
fi
ok "image $image ready"

./node_modules/.bin/tsx fakes/serve.ts --public-url "http://127.0.0.1:$port" >"$work/fakes.json" 2>"$work/fakes.err" &
fakes_pid=$!
i=0
until [ -s "$work/fakes.json" ]; do
  i=$((i + 1))
  [ "$i" -le 100 ] || fail "the fakes did not start: $(cat "$work/fakes.err")"
  sleep 0.2
done
node -e '
  const { env } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const [key, value] of Object.entries(env)) console.log(`${key}=${value}`);
  console.log(`TOKEN_ENCRYPTION_KEY=${require("crypto").randomBytes(32).toString("base64")}`);
' "$work/fakes.json" >"$work/env"
printf 'PORT=%s\nHOST=127.0.0.1\n' "$port" >>"$work/env"
ok "fakes running ($(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(j.discord.apiUrl, j.anilist.graphqlUrl)' "$work/fakes.json"))"

# shellcheck disable=SC2086
$ENGINE run -d --name "$name" --network host --env-file "$work/env" ${RUN_FLAGS:-} "$image" >/dev/null || fail "the container did not start"

i=0
until health="$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null)" && echo "$health" | grep -q '"gateway":"ready"'; do
  i=$((i + 1))
  [ "$i" -le 120 ] || fail "/healthz never answered 200 with the gateway ready (last: ${health:-nothing})"
  sleep 0.5
done
ok "/healthz 200: $health"

case "$ENGINE" in podman*) healthcheck_field='{{json .HealthCheck}}' ;; *) healthcheck_field='{{json .Config.Healthcheck}}' ;; esac
$ENGINE image inspect --format "$healthcheck_field" "$image" | grep -q '/healthz' ||
  fail "the image has no HEALTHCHECK (podman and buildah: build with --format docker)"
case "$ENGINE" in
  podman*) $ENGINE healthcheck run "$name" >/dev/null 2>&1 || fail "the HEALTHCHECK command fails" ;;
  *)
    # Docker runs the first check one interval (30 s) after the start.
    i=0
    until [ "$($ENGINE inspect --format '{{.State.Health.Status}}' "$name")" = healthy ]; do
      i=$((i + 1))
      [ "$i" -le 45 ] || fail "the HEALTHCHECK never reported healthy"
      sleep 2
    done
    ;;
esac
ok "HEALTHCHECK kept in the image, and it passes"

uid="$($ENGINE exec "$name" id -u)"
user="$($ENGINE exec "$name" id -un)"
[ "$uid" != 0 ] || fail "the bot runs as root"
ok "runs as $user (uid $uid), not root"

$ENGINE image inspect --format '{{json .Config.Volumes}}' "$image" | grep -q '"/data"' || fail "/data is not a volume"
$ENGINE exec "$name" sh -c 'test -w /data && test -f "$DATABASE_PATH" && case "$DATABASE_PATH" in /data/*) ;; *) exit 1 ;; esac' ||
  fail "the database is not in the writable /data volume"
ok "/data is a volume, writable by $user, holding $($ENGINE exec "$name" sh -c 'echo "$DATABASE_PATH"')"

$ENGINE stop -t 20 "$name" >/dev/null
code="$($ENGINE inspect --format '{{.State.ExitCode}}' "$name")"
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
$ENGINE logs "$name" 2>&1 | grep '"msg":"shutting down"' | grep -q SIGTERM || fail "no graceful shutdown logged after SIGTERM"
ok "SIGTERM: graceful shutdown, exit 0"

size="$($ENGINE image inspect --format '{{.Size}}' "$image")"
sqlite="$($ENGINE run --rm --entrypoint sh ${RUN_FLAGS:-} "$image" -c 'du -sk node_modules/better-sqlite3 | cut -f1')"
echo "image size: $((size / 1000000)) MB; node_modules/better-sqlite3: ${sqlite} KB"
echo "All smoke checks passed."
