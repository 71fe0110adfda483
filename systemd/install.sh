#!/usr/bin/env bash
# Installs idbooth on a booth (Debian 12): the binary, the config, the units and the udev rules.
# Run as root from a checkout after `cargo build --release`:  sudo bash systemd/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "install: run as root" >&2; exit 2; }
[ -x target/release/idbooth ] || { echo "install: build first: cargo build --release" >&2; exit 2; }

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  cage xwayland fonts-wqy-microhei libgl1 libegl1 libxkbcommon0 libwayland-client0 libwayland-egl1

id idbooth >/dev/null 2>&1 || useradd --system --home-dir /var/lib/idbooth --shell /usr/sbin/nologin idbooth
id idbooth-center >/dev/null 2>&1 || useradd --system --home-dir /var/lib/idbooth-center --shell /usr/sbin/nologin idbooth-center
usermod -aG video,render,input,dialout,tty idbooth

install -m 0755 target/release/idbooth /usr/local/bin/idbooth
install -d -m 0755 /etc/idbooth
for f in kiosk.toml documents.toml cities.toml guidance.toml receipts.toml; do
  # Keep a booth's own settings on reinstall.
  [ -e "/etc/idbooth/$f" ] || install -m 0640 -g idbooth "kiosk-config/$f" "/etc/idbooth/$f"
done
install -m 0644 systemd/idbooth.service systemd/idbooth-center.service /etc/systemd/system/
install -m 0644 systemd/99-idbooth.rules /etc/udev/rules.d/99-idbooth.rules
udevadm control --reload && udevadm trigger

/usr/local/bin/idbooth config check --config /etc/idbooth
systemctl daemon-reload
systemctl enable idbooth.service
echo "installed. Set the kiosk id, center URL and token and a new PIN (idbooth config pin) in"
echo "/etc/idbooth/kiosk.toml (the booth refuses the demo's PIN and token), then:"
echo "idbooth config check --deployed --config /etc/idbooth && systemctl start idbooth"
