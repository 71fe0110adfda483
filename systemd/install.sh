#!/usr/bin/env bash
# Installs idbooth on a booth (Debian 12) from a checkout: builds the Debian package (.ci/package)
# and installs it with apt, which brings cage, the fonts and the libraries, creates the users,
# and installs the units and the udev rules. Run as root:  sudo bash systemd/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "install: run as root" >&2; exit 2; }

bash .ci/package
deb=$(ls -t target/debian/idbooth_*_amd64.deb | head -n 1)
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "./$deb"

idbooth config check --config /etc/idbooth
echo "installed $deb. Set this booth's kiosk id, home city, center URL and a new PIN"
echo "(idbooth config pin) in /etc/idbooth/kiosk.toml, the center token in"
echo "/etc/credstore/idbooth-center-token (0600), then:"
echo "idbooth config check --deployed --config /etc/idbooth && systemctl enable --now idbooth"
