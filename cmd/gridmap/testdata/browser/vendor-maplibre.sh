#!/usr/bin/env bash
# vendor-maplibre.sh re-vendors MapLibre GL JS into static/lib/maplibre-gl from the npm registry,
# so the map pages work with no internet. It is rerunnable and pinned: the tarball must match the
# registry's integrity hash for the pinned version, and the same version always gives the same files.
#
#   cmd/gridmap/testdata/browser/vendor-maplibre.sh            # the pinned version below
#   MAPLIBRE_VERSION=6.18.0 cmd/gridmap/testdata/browser/vendor-maplibre.sh   # to upgrade, then
#                                                              # pin the new version and hash here
#
# Kept: the minified ES module, its worker (MapLibre loads ./maplibre-gl-worker.mjs beside the main
# module), the CSS and the BSD licence. Left out: source maps, dev builds, type declarations; the
# sourceMappingURL comments are stripped so no browser asks for the missing maps.
set -euo pipefail

PINNED_VERSION=6.17.0
PINNED_INTEGRITY='sha512-2chIZwpLGenoUQOcnm9Pk4SLbA8ppNFq8jlpXiq9vcYm3Y1wJ3fc82FL0GLwBaPYJCLzPv/mC46KEupVov75rQ=='
version="${MAPLIBRE_VERSION:-$PINNED_VERSION}"

root="$(cd "$(dirname "$0")/../../../.." && pwd)"
dest="$root/static/lib/maplibre-gl"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

command -v npm >/dev/null || { echo "vendor-maplibre: npm is needed (apt-get install npm)" >&2; exit 1; }
(cd "$tmp" && npm pack --silent "maplibre-gl@$version" >/dev/null)
tgz="$tmp/maplibre-gl-$version.tgz"
got="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
if [ "$version" = "$PINNED_VERSION" ] && [ "$got" != "$PINNED_INTEGRITY" ]; then
  echo "vendor-maplibre: maplibre-gl-$version.tgz has integrity $got, want $PINNED_INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$tmp"

rm -rf "$dest"
mkdir -p "$dest"
for f in maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl.css; do
  sed '/^\/[/*][#@] sourceMappingURL=/d' "$tmp/package/dist/$f" >"$dest/$f"
done
cp "$tmp/package/LICENSE.txt" "$dest/LICENSE.txt"
printf 'maplibre-gl %s %s\n' "$version" "$got" >"$dest/VERSION"
echo "vendor-maplibre: maplibre-gl $version -> ${dest#"$root"/}" >&2
ls -l "$dest" >&2
