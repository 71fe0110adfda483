#!/usr/bin/env python3
"""Add each city's name in pinyin (`latin = "Shenzhen"`) to kiosk-config/cities.toml.

The booth shows it to applicants who chose a language not written in Chinese characters. Run
after gen-cities.py; needs the PyPI package pypinyin (its phrase table reads 重庆 as Chongqing,
厦门 as Xiamen and 六安 as Lu'an):

    python3 -m pip install pypinyin
    python3 kiosk-config/tools/latin-cities.py kiosk-config/cities.toml

The name is the place's own: 市, 县, 地区, 盟, 林区 and an autonomous prefecture's or county's
peoples (西双版纳傣族自治州 → Xishuangbanna) are left out, as on road signs and maps.
"""
import re
import sys

from pypinyin import lazy_pinyin

# Peoples named in the names of autonomous prefectures and counties, longest first.
PEOPLES = sorted(
    "回 傣 苗 侗 布依 彝 藏 羌 白 哈尼 壮 景颇 傈僳 土家 朝鲜 蒙古 哈萨克 柯尔克孜 黎 "
    "维吾尔 瑶 畲 水 仡佬 土 撒拉 保安 东乡 纳西 拉祜 佤 怒 独龙 普米 阿昌 德昂 基诺 "
    "鄂温克 达斡尔 鄂伦春 满 锡伯 仫佬 毛南 京 裕固 塔吉克".split(),
    key=len,
    reverse=True,
)
SUFFIXES = ["自治州", "自治县", "林区", "地区", "市", "县", "盟"]


def place(name):
    """The place's own name: without its kind, and without the peoples of an autonomy."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    cut = len(name)
    for i in range(1, len(name)):
        if any(name[i:].startswith(p + "族") for p in PEOPLES):
            cut = i
            break
    return name[:cut]


def latin(name):
    syllables = lazy_pinyin(place(name), v_to_u=True)
    out = syllables[0]
    for s in syllables[1:]:
        # Lu'an, Xi'an: a syllable that starts with a vowel is marked off.
        out += ("'" if s[0] in "aoe" else "") + s
    return out[:1].upper() + out[1:]


def main(path):
    text = open(path, encoding="utf-8").read()
    row = re.compile(r'^("\d{6}" = \{ name = "([^"]+)")(?:, latin = "[^"]*")?', re.M)
    text = row.sub(lambda m: f'{m.group(1)}, latin = "{latin(m.group(2))}"', text)
    open(path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main(sys.argv[1])
