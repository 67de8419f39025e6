#!/usr/bin/env bash
# Build local stand-ins for mcr.microsoft.com/dotnet/aspnet:10.0 and mcr.microsoft.com/dotnet/sdk:10.0
# when no container registry is reachable (air-gapped CI, this dev machine). They are made from a
# debootstrap'd Debian rootfs plus the .NET installation of the build host, without starting any
# container, so they work where containers cannot run.
#
#   sudo deploy/base-images/build-base-images.sh
#   podman build --isolation=chroot --format docker \
#     --build-arg SDK_IMAGE=localhost/crossroads-base/sdk:10.0 \
#     --build-arg RUNTIME_IMAGE=localhost/crossroads-base/aspnet:10.0 \
#     -f deploy/Dockerfile -t localhost/crossroads:dev .
#
# Behind a TLS-intercepting proxy (NU1301 ... UntrustedRoot during `dotnet restore`), pass the proxy's
# CA certificates for the SDK (build) image only; the runtime image never trusts them:
#   BUILD_CA_CERTS=/usr/local/share/ca-certificates deploy/base-images/build-base-images.sh
#
# Layout mirrors the official images where the Dockerfile relies on it: .NET in /usr/share/dotnet,
# `dotnet` on PATH, user `app` with UID/GID 1654, ASPNETCORE_HTTP_PORTS=8080.
# Needs: root, debootstrap, buildah, network access to a Debian mirror, .NET 10 SDK + runtimes in
# $DOTNET_HOME. Re-running reuses the rootfs in $WORK (delete it to start over).
set -euo pipefail

SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
WORK=${WORK:-/var/tmp/crossroads-base}
DOTNET_HOME=${DOTNET_HOME:-/usr/share/dotnet}
PREFIX=${PREFIX:-localhost/crossroads-base}
TAG=${TAG:-10.0}
APP_UID=${APP_UID:-1654}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root (debootstrap and buildah storage need it)"
for tool in debootstrap buildah; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y --no-install-recommends $tool)"
done
[[ -x $DOTNET_HOME/dotnet ]] || die "no dotnet in $DOTNET_HOME"
ls "$DOTNET_HOME"/shared/Microsoft.AspNetCore.App/10.* >/dev/null 2>&1 || die "no ASP.NET Core 10 runtime in $DOTNET_HOME"
ls "$DOTNET_HOME"/sdk/10.* >/dev/null 2>&1 || die "no .NET 10 SDK in $DOTNET_HOME"

mkdir -p "$WORK"
ROOTFS=$WORK/rootfs

# 1. Debian rootfs with the native dependencies of .NET (what runtime-deps installs). libicu72 is only
#    needed by the SDK (the app uses InvariantGlobalization) but keeping one rootfs keeps this simple.
if [[ ! -f $ROOTFS/.crossroads-complete ]]; then
  log "debootstrap $SUITE -> $ROOTFS"
  rm -rf "$ROOTFS"
  debootstrap --variant=minbase \
    --include=ca-certificates,libssl3,libstdc++6,libgcc-s1,zlib1g,tzdata,libicu72 \
    "$SUITE" "$ROOTFS" "$MIRROR"
  # Trim what a container never uses.
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
         "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/*
  # The `app` user of the official .NET images.
  chroot "$ROOTFS" groupadd --gid "$APP_UID" app
  chroot "$ROOTFS" useradd --uid "$APP_UID" --gid "$APP_UID" --create-home --shell /bin/sh app
  touch "$ROOTFS/.crossroads-complete"
fi

# 2. Staging trees for the .NET bits (copied, so the host installation is never touched).
latest() { printf '%s\n' "${@##*/}" | sort -V | tail -1; }
runtime_version=$(latest "$DOTNET_HOME"/shared/Microsoft.AspNetCore.App/10.*)
sdk_version=$(latest "$DOTNET_HOME"/sdk/10.*)
log "ASP.NET Core runtime $runtime_version, SDK $sdk_version from $DOTNET_HOME"

STAGE=$WORK/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/runtime/usr/share/dotnet/shared" "$STAGE/runtime/usr/bin" "$STAGE/sdk/usr/share/dotnet"
cp -a "$DOTNET_HOME/dotnet" "$DOTNET_HOME/host" "$DOTNET_HOME"/LICENSE.txt "$DOTNET_HOME"/ThirdPartyNotices.txt \
  "$STAGE/runtime/usr/share/dotnet/"
for fx in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
  mkdir -p "$STAGE/runtime/usr/share/dotnet/shared/$fx"
  cp -a "$DOTNET_HOME/shared/$fx/$runtime_version" "$STAGE/runtime/usr/share/dotnet/shared/$fx/"
done
ln -s /usr/share/dotnet/dotnet "$STAGE/runtime/usr/bin/dotnet"
mkdir -p "$STAGE/sdk/usr/share/dotnet/sdk"
cp -a "$DOTNET_HOME/sdk/$sdk_version" "$STAGE/sdk/usr/share/dotnet/sdk/"
for dir in packs sdk-manifests templates; do
  [[ -d $DOTNET_HOME/$dir ]] && cp -a "$DOTNET_HOME/$dir" "$STAGE/sdk/usr/share/dotnet/"
done

# 3. aspnet image: rootfs + runtimes.
log "building $PREFIX/aspnet:$TAG"
ctr=$(buildah from scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah add --quiet "$ctr" "$ROOTFS" /
buildah add --quiet "$ctr" "$STAGE/runtime" /
buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env APP_UID="$APP_UID" \
  --env ASPNETCORE_HTTP_PORTS=8080 \
  --env DOTNET_RUNNING_IN_CONTAINER=true \
  --env DOTNET_VERSION="$runtime_version" \
  --env ASPNET_VERSION="$runtime_version" \
  --label org.opencontainers.image.description="local stand-in for mcr.microsoft.com/dotnet/aspnet:$TAG (Debian $SUITE)" \
  --workingdir / \
  --cmd /bin/sh \
  "$ctr"
buildah commit --quiet --rm "$ctr" "$PREFIX/aspnet:$TAG"
buildah tag "$PREFIX/aspnet:$TAG" "$PREFIX/aspnet:$runtime_version"

# 4. sdk image: aspnet + SDK, packs, workload manifests, templates.
log "building $PREFIX/sdk:$TAG"
ctr=$(buildah from "$PREFIX/aspnet:$TAG")
buildah add --quiet "$ctr" "$STAGE/sdk" /
buildah config \
  --env DOTNET_SDK_VERSION="$sdk_version" \
  --env DOTNET_USE_POLLING_FILE_WATCHER=true \
  --env DOTNET_GENERATE_ASPNET_CERTIFICATE=false \
  --env DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  --env NUGET_XMLDOC_MODE=skip \
  --env NUGET_CERT_REVOCATION_MODE="${NUGET_CERT_REVOCATION_MODE:-online}" \
  --label org.opencontainers.image.description="local stand-in for mcr.microsoft.com/dotnet/sdk:$TAG (Debian $SUITE)" \
  "$ctr"
if [[ -n ${BUILD_CA_CERTS:-} ]]; then
  log "adding build-time CA certificates from $BUILD_CA_CERTS (SDK image only)"
  for crt in "$BUILD_CA_CERTS"/*.crt; do
    buildah add --quiet "$ctr" "$crt" /usr/local/share/ca-certificates/
  done
  # Only command run inside an image; chroot isolation works where OCI runtimes cannot start containers.
  buildah run --isolation chroot "$ctr" -- update-ca-certificates
fi
buildah commit --quiet --rm "$ctr" "$PREFIX/sdk:$TAG"
buildah tag "$PREFIX/sdk:$TAG" "$PREFIX/sdk:$sdk_version"
trap - EXIT
rm -rf "$STAGE"

buildah images --filter "reference=$PREFIX/*"
