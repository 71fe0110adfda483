#!/usr/bin/env bash
# Writes assets/i18n/zh-Hant.toml (繁體中文, for applicants from Hong Kong, Macao and Taiwan) from
# the base zh-CN.toml with OpenCC's s2t conversion (Debian package `opencc`). Run it again after
# zh-CN.toml changes, then read the diff: a hand-corrected phrase would be overwritten.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v opencc >/dev/null || { echo "gen-zh-hant: install opencc (apt-get install opencc)" >&2; exit 1; }
{
    echo "# 繁體中文. Converted from zh-CN.toml by kiosk-config/tools/gen-zh-hant.sh (OpenCC s2t);"
    echo "# same keys and placeholders as the base."
    sed -n '/^\[language\]/,$p' assets/i18n/zh-CN.toml \
        | sed 's/^name = "简体中文"$/name = "繁体中文"/; s/^voice = "cmn"/voice = "yue"/' \
        | opencc -c s2t.json
} > assets/i18n/zh-Hant.toml
echo "wrote assets/i18n/zh-Hant.toml"
