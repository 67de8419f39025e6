#!/usr/bin/env bash
# Checks for everything under deploy/. Offline by default; exits non-zero if any check fails.
#
#   deploy/verify.sh                           # lint + render + consistency/policy checks (no cluster, no images)
#   VERIFY_IMAGE_BUILD=1 deploy/verify.sh      # also build the image (podman or docker) and inspect it
#   VERIFY_SERVER_DRY_RUN=1 deploy/verify.sh   # also `kubectl apply --dry-run=server` (needs a cluster)
#
# Image build settings (VERIFY_IMAGE_BUILD=1): SDK_IMAGE, RUNTIME_IMAGE (default: the Dockerfile's MCR
# images; offline use localhost/crossroads-base/{sdk,aspnet}:10.0 from deploy/base-images), IMAGE
# (default localhost/crossroads:verify), BUILD_ISOLATION (podman only; default chroot, which works
# where OCI runtimes cannot start containers).
#
# What each check does and does not prove: deploy/README.md, "Verification".
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failures=0
step() { printf '\n==> %s\n' "$*"; }
pass() { printf '    ok: %s\n' "$*"; }
fail() { printf '    FAILED: %s\n' "$*" >&2; failures=$((failures + 1)); }
skip() { printf '    skipped: %s\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1; }

step "tools"
for tool in yamllint kubectl python3; do
  if need "$tool"; then pass "$tool: $(command -v "$tool")"; else fail "$tool not found (apt-get install -y --no-install-recommends yamllint; kubectl from pkgs.k8s.io)"; fi
done
python3 -c 'import yaml' 2>/dev/null || fail "python3 yaml module missing (apt-get install python3-yaml)"

step "yamllint (syntax, duplicate keys, indentation, style) - deploy/.yamllint"
if need yamllint; then
  if yamllint --strict -c deploy/.yamllint deploy/; then pass "all YAML under deploy/"; else fail "yamllint"; fi
fi

step "kustomize render (kubectl kustomize deploy/k8s)"
rendered=$tmp/rendered.yaml
if need kubectl && kubectl kustomize deploy/k8s >"$rendered" 2>"$tmp/kustomize.err"; then
  pass "rendered $(grep -c '^kind:' "$rendered") objects: $(grep '^kind:' "$rendered" | awk '{print $2}' | sort | tr '\n' ' ')"
else
  cat "$tmp/kustomize.err" >&2 2>/dev/null
  fail "kubectl kustomize deploy/k8s"
  : >"$rendered"
fi

step "consistency and policy checks (deploy/check-manifests.py, with self-test)"
if [[ -s $rendered ]]; then
  if python3 deploy/check-manifests.py --self-test "$rendered" deploy/compose.yaml deploy/Dockerfile \
      deploy/compose.scale.yaml; then
    pass "manifests (server, PostgreSQL, RabbitMQ), compose (+ scale) and Dockerfile agree"
  else
    fail "check-manifests.py"
  fi
else
  skip "nothing rendered"
fi

step "shell scripts (bash -n, shellcheck if installed)"
for script in deploy/*.sh deploy/base-images/*.sh; do
  if bash -n "$script"; then pass "bash -n $script"; else fail "bash -n $script"; fi
done
if need shellcheck; then
  if shellcheck deploy/*.sh deploy/base-images/*.sh; then pass "shellcheck"; else fail "shellcheck"; fi
else
  skip "shellcheck not installed"
fi

step "compose file (docker compose config / podman-compose config, if installed)"
# RABBITMQ_PASSWORD is required by compose.yaml (deploy/.env, written by make-secrets.sh); a stand-in for the check.
export RABBITMQ_PASSWORD=${RABBITMQ_PASSWORD:-verify-only}
if need docker && docker compose version >/dev/null 2>&1; then
  if docker compose -f deploy/compose.yaml config --quiet; then pass "docker compose config"; else fail "docker compose config"; fi
  if docker compose -f deploy/compose.yaml -f deploy/compose.scale.yaml config --quiet; then
    pass "docker compose config (+ compose.scale.yaml)"; else fail "docker compose config (+ compose.scale.yaml)"; fi
elif need podman-compose && podman-compose --help 2>&1 | grep -qw config; then
  # podman-compose < 1.1 (Debian 12 ships 1.0.3) has no `config` command.
  if podman-compose -f deploy/compose.yaml config >/dev/null; then pass "podman-compose config"; else fail "podman-compose config"; fi
else
  skip "no compose implementation installed (yamllint + check-manifests.py covered compose.yaml)"
fi

step "server-side dry run (VERIFY_SERVER_DRY_RUN=1)"
if [[ ${VERIFY_SERVER_DRY_RUN:-0} == 1 ]]; then
  if kubectl apply --dry-run=server -k deploy/k8s; then pass "API server accepted every object"; else fail "kubectl apply --dry-run=server"; fi
else
  skip "needs a cluster; note 'kubectl apply --dry-run=client' also needs one (API discovery)"
fi

step "image build (VERIFY_IMAGE_BUILD=1)"
if [[ ${VERIFY_IMAGE_BUILD:-0} == 1 ]]; then
  image=${IMAGE:-localhost/crossroads:verify}
  build_args=()
  [[ -n ${SDK_IMAGE:-} ]] && build_args+=(--build-arg "SDK_IMAGE=$SDK_IMAGE")
  [[ -n ${RUNTIME_IMAGE:-} ]] && build_args+=(--build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE")
  if need podman; then
    engine=(podman build --isolation="${BUILD_ISOLATION:-chroot}" --format docker)
    inspect=(podman image inspect)
  elif need docker; then
    engine=(docker build)
    inspect=(docker image inspect)
  else
    engine=()
  fi
  if [[ ${#engine[@]} -eq 0 ]]; then
    fail "neither podman nor docker installed"
  elif "${engine[@]}" "${build_args[@]}" -f deploy/Dockerfile -t "$image" .; then
    pass "built $image"
    # podman reports HEALTHCHECK at the top level (.HealthCheck), docker under .Config.Healthcheck.
    details=$("${inspect[@]}" "$image")
    user=$(printf '%s' "$details" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"].get("User",""))')
    if [[ ${user%%:*} =~ ^[1-9][0-9]*$ ]]; then pass "numeric non-root USER $user"; else fail "image USER '$user'"; fi
    if grep -q '"8080/tcp"' <<<"$details"; then pass "exposes 8080"; else fail "8080/tcp not exposed"; fi
    if grep -q 'Crossroads.HealthProbe.dll' <<<"$details"; then pass "HEALTHCHECK present"; else
      fail "no HEALTHCHECK in the image (podman: build with --format docker)"; fi
  else
    fail "image build"
  fi
else
  skip "set VERIFY_IMAGE_BUILD=1 (and SDK_IMAGE/RUNTIME_IMAGE when offline)"
fi

echo
if ((failures)); then
  echo "verify: $failures check(s) FAILED" >&2
  exit 1
fi
echo "verify: all checks passed"
