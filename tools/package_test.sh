#!/usr/bin/env bash
# Builds the Debian packages from a copy of the working tree (dpkg-buildpackage -us -uc -b), runs
# lintian on them (errors fail, warnings are printed), checks that apt could install them on this
# machine, installs them with dpkg into a clean root, and there compiles and runs a C program and a
# Fortran program against them with pkg-config and runs the packaged command.
# Usage: tools/package_test.sh [DIR]   (DIR, if given, receives the .deb files)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-}"
jobs="$(nproc 2>/dev/null || echo 2)"
work="$(mktemp -d "${TMPDIR:-/tmp}/chainerser-deb.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
step() { echo "=== package_test: $* ($((SECONDS - t0)) s) ==="; }
t0=$SECONDS

version="$(sed -n 's/^#define SER_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' "$here/include/chainerser/chainerser.h" | paste -sd.)"
deb_version="$(dpkg-parsechangelog -l "$here/debian/changelog" -S Version)"
[ "${deb_version%-*}" = "$version" ] || fail "debian/changelog is at $deb_version, the library at $version"

step "building the packages"
mkdir "$work/src"
git -C "$here" ls-files -z --cached --others --exclude-standard |
    tar -C "$here" --null -T - --ignore-failed-read -cf - | tar -C "$work/src" -xf -
(cd "$work/src" && dpkg-buildpackage -us -uc -b -j"$jobs" >"$work/build.log" 2>&1) ||
    { tail -50 "$work/build.log"; fail "dpkg-buildpackage"; }
packages=(libchainerser0 libchainerser-fortran0 libchainerser-dev chainerser-tools)
debs=()
for p in "${packages[@]}"; do
    debs+=("$(ls "$work/${p}_${deb_version}_"*.deb)") || fail "no package $p"
done
[ -n "$out" ] && mkdir -p "$out" && cp "${debs[@]}" "$out/"

step "lintian"
lintian --fail-on error --tag-display-limit 0 "$work"/chainerser_*.changes | tee "$work/lintian.txt" ||
    fail "lintian reports errors"

step "apt could install them here"
apt-get install --simulate --no-install-recommends "${debs[@]}" >"$work/apt.txt" 2>&1 ||
    { cat "$work/apt.txt"; fail "the packages' dependencies cannot be met"; }

step "dpkg -i into a clean root"
root="$work/root"
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
# The root has no libc6 etc. registered; apt's simulation above checked those dependencies.
dpkg --root="$root" --force-depends --force-not-root --log=/dev/null -i "${debs[@]}" >"$work/dpkg.txt" 2>&1 ||
    { cat "$work/dpkg.txt"; fail "dpkg -i"; }
for p in "${packages[@]}"; do
    dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}\n' "$p" | grep -q "install ok installed" ||
        fail "$p is not installed in the clean root"
done
multiarch="$(dpkg-architecture -q DEB_HOST_MULTIARCH)"
libdir="$root/usr/lib/$multiarch"
for f in usr/bin/chainerser usr/share/man/man1/chainerser.1.gz usr/include/chainerser/chainerser.h \
         usr/include/chainerser/fortran/chainerser.mod "usr/lib/$multiarch/cmake/chainerser/chainerserConfig.cmake" \
         usr/share/chainerser/go/go.mod usr/share/chainerser/rust/Cargo.toml; do
    [ -e "$root/$f" ] || fail "/$f is in no package"
done

step "a C and a Fortran program against the installed packages, with pkg-config"
export PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_PATH="" LD_LIBRARY_PATH="$libdir"
# shellcheck disable=SC2046  # pkg-config's flags are meant to split
cc -std=c99 -Wall -Werror "$here/examples/demo.c" $(pkg-config --cflags --libs chainerser) -o "$work/demo"
# shellcheck disable=SC2046
gfortran -std=f2018 -Wall -Werror "$here/tests/install/fortran/consumer.f90" \
    $(pkg-config --cflags --libs chainerser-fortran) -o "$work/fortran_consumer"
for program in "$work/demo" "$work/fortran_consumer" "$root/usr/bin/chainerser"; do
    ldd "$program" | grep -q "libchainerser.so.0 => $libdir/" || fail "$program does not load the packaged library"
done
"$work/demo" "$work/demo.npz" >/dev/null
"$work/fortran_consumer" "$work" >/dev/null
"$root/usr/bin/chainerser" verify "$work/demo.npz" >/dev/null
"$root/usr/bin/chainerser" diff "$work/fortran.npz" "$work/fortran.h5" >/dev/null
man -l "$root/usr/share/man/man1/chainerser.1.gz" 2>&1 >/dev/null | (! grep .) || fail "the man page has warnings"

step "passed; lintian's remaining tags: $(grep -c '^[WIP]:' "$work/lintian.txt" || true)"
