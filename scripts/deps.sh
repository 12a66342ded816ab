#!/usr/bin/env bash
# Installs the Debian packages SalesDesk needs to build, test and be smoke-tested, skipping those
# already installed. Used by scripts/start.sh and .ci/run; run it by hand before `go test`:
#
#   bash scripts/deps.sh && go test -race -count=1 ./...
#
# It can be run (bash scripts/deps.sh) or sourced (. scripts/deps.sh); sourcing also puts Go on PATH.
set -euo pipefail

SALESDESK_APT_PACKAGES=(
	gcc libc6-dev pkg-config # cgo: Fyne's OpenGL driver, and go test -race
	libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev # GLFW
	xvfb xdotool imagemagick xauth x11-utils # the window smoke test and screenshots on a machine without a screen (xprop: is the window manager up)
	openbox # a window manager for those: without one, windows get no focus, frames or Alt+F4 (1.3 MB, and python3)
	protobuf-compiler # protoc, for office mode's wire code (scripts/protogen.sh; CI checks that it is current)
)

salesdesk_deps() {
	local missing=() p
	for p in "${SALESDESK_APT_PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	if ((${#missing[@]} == 0)); then
		echo "deps: all ${#SALESDESK_APT_PACKAGES[@]} Debian packages are installed"
	else
		local sudo=()
		if [[ $(id -u) -ne 0 ]]; then
			command -v sudo >/dev/null || {
				echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
				return 1
			}
			sudo=(sudo)
		fi
		echo "deps: installing ${missing[*]}"
		"${sudo[@]}" apt-get update -qq
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
	fi

	# Go is at /usr/local/go on SalesDesk's machines; put it and installed tools on PATH if missing.
	if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
		export PATH="/usr/local/go/bin:$PATH"
	fi
	if ! command -v go >/dev/null; then
		echo "deps: Go is not installed; install Go 1.26 or newer (https://go.dev/doc/install)" >&2
		return 1
	fi
	local gobin
	gobin="$(go env GOPATH)/bin"
	case ":$PATH:" in *":$gobin:"*) ;; *) export PATH="$gobin:$PATH" ;; esac
	echo "deps: $(go version)"
}

salesdesk_deps
