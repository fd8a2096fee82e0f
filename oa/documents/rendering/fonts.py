"""Which font file draws each family a layout names.

Layouts speak of the official families (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体), which are
licensed and usually absent. A family resolves, in this order, to:

1. the file the deployment configured for it (`OA_DOCUMENT_FONTS`): a configured file that is
   missing is an error, never a silent substitute, because the admin asked for that file;
2. an installed font whose family name is that family (in any language of its name table);
3. the platform's free stand-in for it (`OA_DOCUMENT_FONT_STAND_INS`, e.g. AR PL KaitiM GB for 楷体);
4. the layout's own `fallback` list (the built-in layout names Noto CJK, installed by the Makefile).

Installed fonts are found by reading the name tables of the files under the usual font folders,
not through fontconfig, so the renderer needs no binary beyond Python's.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont, TTLibError

# 字号 in points, as the Chinese type scale defines them.
SIZE_PT = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "小一": 24.0,
    "二号": 22.0,
    "小二": 18.0,
    "三号": 16.0,
    "小三": 15.0,
    "四号": 14.0,
    "小四": 12.0,
    "五号": 10.5,
    "小五": 9.0,
}

DEFAULT_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)

# Debian's fonts-arphic-gkai00mp first: its punctuation sits where GB fonts put it (。 bottom left).
_KAI = ("AR PL KaitiM GB", "AR PL UKai CN", "LXGW WenKai")
# Free look-alikes for the official families. ":bold" asks for the family's bold face:
# 小标宋 is a heavy Song, which Noto Serif CJK's bold resembles far more than its regular.
DEFAULT_STAND_INS: Mapping[str, Sequence[str]] = {
    "方正小标宋简体": ("Noto Serif CJK SC:bold",),
    "方正小标宋_GBK": ("Noto Serif CJK SC:bold",),
    "小标宋": ("Noto Serif CJK SC:bold",),
    "楷体_GB2312": _KAI,
    "楷体": _KAI,
    "KaiTi": _KAI,
    "KaiTi_GB2312": _KAI,
    "黑体": ("Noto Sans CJK SC", "WenQuanYi Zen Hei"),
    "SimHei": ("Noto Sans CJK SC", "WenQuanYi Zen Hei"),
    "宋体": ("Noto Serif CJK SC", "AR PL UMing CN"),
    "SimSun": ("Noto Serif CJK SC", "AR PL UMing CN"),
    "仿宋_GB2312": ("Noto Serif CJK SC",),
    "仿宋": ("Noto Serif CJK SC",),
    "FangSong": ("Noto Serif CJK SC",),
}

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


class FontNotFoundError(LookupError):
    """No file can draw a family; the message names the family and what was tried."""

    def __init__(self, family: str, detail: str):
        self.family = family
        super().__init__(f"字体“{family}”不可用：{detail}")


@dataclass(frozen=True)
class FontFace:
    """One face of one font file (a face index for collections)."""

    path: str
    index: int
    family: str
    bold: bool
    # Share of the em above the baseline: where the ideographic em box sits on a line.
    ascent: float = 0.88


@dataclass(frozen=True)
class FontConfig:
    """Where the renderer looks for fonts.

    files: family → font file (".ttc#2" picks a face of a collection); "<family>:bold" names the
    bold face of that family when it has its own file.
    stand_ins: family → installed families to use when the family itself is not installed.
    font_dirs: folders searched for installed fonts, before the system's.
    """

    files: Mapping[str, str] = field(default_factory=dict)
    stand_ins: Mapping[str, Sequence[str]] = field(default_factory=lambda: dict(DEFAULT_STAND_INS))
    font_dirs: Sequence[str] = ()

    @classmethod
    def from_settings(cls) -> FontConfig:
        """The deployment's font configuration, from Django settings when they are configured."""
        try:
            from django.conf import settings

            configured = settings.configured
        except ImportError:  # pragma: no cover - Django is always installed in this project
            configured = False
        if not configured:
            return cls()
        stand_ins = dict(DEFAULT_STAND_INS)
        stand_ins.update(getattr(settings, "OA_DOCUMENT_FONT_STAND_INS", {}) or {})
        return cls(
            files=dict(getattr(settings, "OA_DOCUMENT_FONTS", {}) or {}),
            stand_ins=stand_ins,
            font_dirs=tuple(getattr(settings, "OA_DOCUMENT_FONT_DIRS", ()) or ()),
        )

    def resolve(self, family: str, fallback: Sequence[str] = (), *, bold: bool = False) -> FontFace:
        """The face that draws `family` (its bold face if `bold` and one exists)."""
        if bold and f"{family}:bold" in self.files:
            return _configured_face(family, self.files[f"{family}:bold"], bold=True)
        if family in self.files:
            return _configured_face(family, self.files[family], bold=False)
        catalogue = installed_fonts(self._search_dirs())
        tried = [family]
        face = _pick(catalogue, family, bold=bold)
        if face:
            return face
        for candidate in [*self.stand_ins.get(family, ()), *fallback]:
            name, _, style = candidate.partition(":")
            tried.append(candidate)
            face = _pick(catalogue, name, bold=bold or style.lower() == "bold")
            if face:
                return face
        raise FontNotFoundError(
            family,
            f"未配置字体文件（OA_DOCUMENT_FONTS），也未安装 {'、'.join(tried)} 中的任何一种。",
        )

    def _search_dirs(self) -> tuple[str, ...]:
        return tuple(os.path.expanduser(d) for d in [*self.font_dirs, *DEFAULT_FONT_DIRS])


def _configured_face(family: str, spec: str, *, bold: bool) -> FontFace:
    path, _, index = str(spec).partition("#")
    if not Path(path).is_file():
        raise FontNotFoundError(family, f"配置的字体文件 {path} 不存在。")
    if Path(path).suffix.lower() not in FONT_SUFFIXES:
        raise FontNotFoundError(family, f"配置的字体文件 {path} 不是 TrueType/OpenType 字体。")
    try:
        font = _open_face(path, int(index or 0))
    except (TTLibError, OSError, IndexError, ValueError) as exc:
        raise FontNotFoundError(family, f"配置的字体文件 {path} 无法读取（{exc}）。") from exc
    return FontFace(path=path, index=int(index or 0), family=family, bold=bold, ascent=_ascent(font))


def _open_face(path: str, index: int) -> TTFont:
    if Path(path).suffix.lower() in (".ttc", ".otc"):
        return TTCollection(path, lazy=True).fonts[index]
    return TTFont(path, lazy=True)


def _ascent(font: TTFont) -> float:
    """Where the baseline sits in the em, from the typographic metrics (CJK fonts: ~0.88)."""
    try:
        os2 = font["OS/2"]
        ascender, descender = os2.sTypoAscender, os2.sTypoDescender
    except (KeyError, AttributeError):
        return 0.88
    if ascender <= 0 or ascender - descender <= 0:
        return 0.88
    # Scaled to the em, so a font whose typographic box is not one em tall still centres its
    # ideographs on the grid line; clamped against fonts with odd metrics.
    return min(max(ascender / (ascender - descender), 0.7), 0.95)


@dataclass(frozen=True)
class _Installed:
    path: str
    index: int
    names: frozenset[str]
    weight: int
    ascent: float


@functools.cache
def installed_fonts(dirs: tuple[str, ...]) -> tuple[_Installed, ...]:
    """Every face in the font folders, with its family names in all languages (cached per process)."""
    found = []
    seen: set[str] = set()
    for root in dirs:
        for dirpath, _dirnames, filenames in os.walk(root):
            for filename in sorted(filenames):
                if not filename.lower().endswith(FONT_SUFFIXES):
                    continue
                path = os.path.realpath(os.path.join(dirpath, filename))
                if path in seen:
                    continue
                seen.add(path)
                found.extend(_faces_of(path))
    return tuple(found)


def _faces_of(path: str) -> list[_Installed]:
    try:
        if path.lower().endswith((".ttc", ".otc")):
            fonts = TTCollection(path, lazy=True).fonts
        else:
            fonts = [TTFont(path, lazy=True)]
        faces = []
        for index, font in enumerate(fonts):
            names = frozenset(
                record.toUnicode().strip() for record in font["name"].names if record.nameID in (1, 16)
            )
            weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
            faces.append(_Installed(path, index, names, weight, _ascent(font)))
        return faces
    except (TTLibError, OSError, KeyError, UnicodeDecodeError, AssertionError, IndexError):
        return []  # an unreadable file in a font folder is not ours to fail on


def _pick(catalogue: Sequence[_Installed], family: str, *, bold: bool) -> FontFace | None:
    wanted = family.strip().casefold()
    faces = [f for f in catalogue if any(n.casefold() == wanted for n in f.names)]
    if not faces:
        return None
    target = 700 if bold else 400
    face = min(faces, key=lambda f: (abs(f.weight - target), f.path, f.index))
    return FontFace(
        path=face.path, index=face.index, family=family, bold=face.weight >= 600, ascent=face.ascent
    )


def size_pt(size: str | float) -> float:
    """A layout size: a 字号 name (三号) or points."""
    if isinstance(size, int | float):
        return float(size)
    try:
        return SIZE_PT[size]
    except KeyError:
        raise ValueError(f"未知字号“{size}”，可用：{'、'.join(SIZE_PT)}") from None
