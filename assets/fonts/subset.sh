#!/usr/bin/env bash
# Regenerates NotoSansSC-Regular-subset.ttf and NotoSansSC-Bold-subset.ttf.
#
# Why this exists:
#   * SalesDesk must show Chinese on machines that have no CJK font at all;
#     without one Fyne draws tofu boxes. So the app embeds its own font.
#   * With the system's Noto Sans CJK installed, Fyne's fallback picks the
#     Japanese face (JP glyph shapes for e.g. 骨 直) - we want the Simplified
#     Chinese (SC) face explicitly.
#   * Fyne crashes on .ttc collections, so we extract one face per file.
#   * Fyne does not synthesise bold, so Bold is a separate face.
#   * One full SC face is 16.4 MB (11.1 MB even cut to the CJK Unified block);
#     embedded twice that bloats the binary. We keep only what a Chinese
#     business UI needs (see CHARACTER SET below): ~2.1 MB per face.
#   * The faces are TrueType (glyf), not the source's CFF: the Go PDF
#     libraries (gopdf, fpdf) can only embed glyf outlines, and the printable
#     reports must show the same Chinese as the window. Fyne draws both, so
#     one TrueType copy of each face serves the window and the PDFs
#     (see TO TRUETYPE below).
#   * Glyphs missing from the subset are not fatal: Fyne falls back to its
#     built-in Noto Sans (Latin/Greek/Cyrillic) and then to system fonts.
#
# Requirements (Debian): apt-get install -y fonts-noto-cjk python3-fonttools unicode-data
#   fonts-noto-cjk  -> the source collections (.ttc), face index 2 = "Noto Sans CJK SC"
#   python3-fonttools -> pyftsubset and cu2qu (run with Debian's /usr/bin/python3, not a pyenv one)
#   unicode-data    -> Unihan kTGH field, used to list 通用规范汉字表 level 1 (optional:
#                      skipped with a warning if absent; it only adds 2 chars over GB2312)
#
# Usage: bash assets/fonts/subset.sh        (from anywhere; writes next to this script)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-/usr/bin/python3}"
SRC_DIR="${NOTO_CJK_DIR:-/usr/share/fonts/opentype/noto}"
UNIHAN="${UNIHAN_OTHER_MAPPINGS:-/usr/share/unicode/Unihan_OtherMappings.txt.bz2}"
# Index of "Noto Sans CJK SC" inside NotoSansCJK-{Regular,Bold}.ttc
# (0 JP, 1 KR, 2 SC, 3 TC, 4 HK, 5.. Mono). Verified below by name, not trusted blindly.
FACE=2

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- CHARACTER SET
# Written as one code point per line (U+XXXX) for pyftsubset --unicodes-file.
"$PY" - "$UNIHAN" > "$WORK/unicodes.txt" <<'PYEOF'
import bz2, os, sys

cps = set()

def rng(a, b):
    cps.update(range(a, b + 1))

# Blocks used by any UI text: Latin (ASCII + Latin-1 incl. ¥ U+00A5), punctuation
# (… — “ ” ‘ ’ • ‰ ※), CJK punctuation (、。《》【】「」〔〕), full/halfwidth forms
# (，：；（）！？ and ￥ U+FFE5), currency signs (€ etc.).
rng(0x0020, 0x007E)   # Basic Latin
rng(0x00A0, 0x00FF)   # Latin-1 Supplement
rng(0x2000, 0x206F)   # General Punctuation
rng(0x20A0, 0x20CF)   # Currency Symbols
rng(0x3000, 0x303F)   # CJK Symbols and Punctuation
rng(0xFF00, 0xFFEF)   # Halfwidth and Fullwidth Forms
cps.add(0xFFFD)       # replacement character (Fyne draws it for undecodable text)

# Symbols common in UIs (sort arrows, status dots, check marks, stars, ①②, ℃ №).
rng(0x2190, 0x21FF)   # Arrows ← ↑ → ↓ ⇧ …
rng(0x25A0, 0x25FF)   # Geometric Shapes ■ □ ▲ ▼ ● ○ ◆ ◇ …
rng(0x2100, 0x214F)   # Letterlike Symbols ℃ № ™ …
rng(0x2150, 0x218F)   # Number Forms Ⅰ Ⅱ Ⅲ …
rng(0x2460, 0x24FF)   # Enclosed Alphanumerics ① ② ⑴ ⒈ …
cps.update(map(ord, "✓✔✗✘★☆☑☐☒♀♂"))  # ✔✗✘☑☐☒ are not in Noto CJK; listed in case a later version adds them

# GB2312 in full (rows 1-9 symbols/pinyin letters with tones/kana/box drawing
# and rows 16-87 = all 6763 hanzi), enumerated by decoding every 2-byte code.
gb_hanzi = 0
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            ch = bytes([hi, lo]).decode("gb2312")
        except UnicodeDecodeError:
            continue
        cps.add(ord(ch))
        if hi >= 0xB0:
            gb_hanzi += 1
assert gb_hanzi == 6763, gb_hanzi

# 通用规范汉字表 (2013) level 1 = the 3500 most common characters. Unihan's kTGH
# field gives each character's index in that table ("2013:NNNN"); 1..3500 is level 1.
unihan = sys.argv[1]
if os.path.exists(unihan):
    lvl1 = set()
    with bz2.open(unihan, "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] == "kTGH":
                for v in parts[2].split():
                    if int(v.split(":")[1]) <= 3500:
                        lvl1.add(int(parts[0][2:], 16))
    assert len(lvl1) == 3500, len(lvl1)
    cps |= lvl1
else:
    print("warning: %s missing, skipping 通用规范汉字表 level 1" % unihan, file=sys.stderr)

# Characters frequent in personal / company names but outside GB2312.
cps.update(map(ord,
    "喆堃昇珺琤旸玥婧媛琪瑶璐曦昕晞钰铖镕鑫淼焱垚犇骉赟祎禕彧翀翊玮玙瑜璟珏炜烨煜熠"
    "涵淳芃芮苒苓蔚菁萱筠箐璇瑾瑄颢皓昊晔晗晟暄暐喦嵘峥岚婕妤娅姝嫣雯霏霖睿恺恒懿弢尧舜禹赓"))

for cp in sorted(cps):
    print("U+%04X" % cp)
PYEOF
echo "requested code points: $(wc -l < "$WORK/unicodes.txt")"

# ---------------------------------------------------------------- SUBSET
subset() { # $1 = Regular|Bold
    local src="$SRC_DIR/NotoSansCJK-$1.ttc" otf="$HERE/NotoSansSC-$1-subset.otf"
    local out="$HERE/NotoSansSC-$1-subset.ttf"
    # Refuse to build from the wrong face (the collection order could change).
    "$PY" -c 'import sys; from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1], fontNumber=int(sys.argv[2]), lazy=True)
name = f["name"].getDebugName(1)
assert name == "Noto Sans CJK SC", name' "$src" "$FACE"

    # --font-number         pick the SC face out of the .ttc (Fyne cannot load .ttc).
    # --layout-features=kern  keep only Latin kerning; the SC cmap already maps to SC
    #                       glyphs, so locl/vert/ccmp/palt/liga… are not needed (and
    #                       dropping locl means no shaper can swap in JP/TC forms).
    # --no-hinting          CFF hints are useless for Fyne's rasteriser and cost bytes.
    # --drop-tables+=…      vertical-writing metrics and BASE: Fyne only lays out
    #                       horizontal text.
    # --name-IDs='*' --name-languages='*'  keep copyright/licence/trademark strings
    #                       (OFL requires the notice to travel with the font).
    # --notdef-outline      keep a visible .notdef box for anything not covered.
    "$PY" -m fontTools.subset "$src" \
        --font-number="$FACE" \
        --unicodes-file="$WORK/unicodes.txt" \
        --layout-features=kern \
        --no-hinting \
        --drop-tables+=VORG,vhea,vmtx,BASE \
        --name-IDs='*' --name-languages='*' --name-legacy \
        --notdef-outline \
        --output-file="$otf"
    echo "$(basename "$otf"): $(stat -c %s "$otf") bytes (the window's face)"

    "$PY" - "$otf" "$out" <<'PYEOF'
# ---------------------------------------------------------------- TO TRUETYPE
# fontTools' otf2ttf recipe: every cubic CFF outline is approximated by
# quadratic splines (cu2qu) and written as a glyf glyph.
#   max_err 1.0       at most 1 font unit (1/1000 em) off the cubic curve:
#                     invisible at any UI or print size; 2.0 would save ~5%.
#   reverse_direction CFF winds outer contours counter-clockwise, TrueType
#                     clockwise: keep each format's convention, which is what
#                     font validators and rasterisers expect.
#   post format 3     no glyph names: CID-keyed CFF names are just "cidNNNNN",
#                     and 8,000 of them cost ~80 KB per face.
#   recalcTimestamp=False  keep head.modified from the source, so the output is
#                     byte-for-byte reproducible.
# The cmap, hmtx advances, kern (GPOS) and name tables are carried over
# unchanged, so coverage and metrics stay exactly those of the subset.
import sys
from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

src, dst = sys.argv[1], sys.argv[2]
font = TTFont(src, recalcTimestamp=False)
assert font.sfntVersion == "OTTO" and "CFF " in font
order = font.getGlyphOrder()
glyph_set = font.getGlyphSet()
glyphs = {}
for name in order:
    pen = TTGlyphPen(glyph_set)
    glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
    glyphs[name] = pen.glyph()

font["loca"] = newTable("loca")
font["glyf"] = glyf = newTable("glyf")
glyf.glyphOrder = order
glyf.glyphs = glyphs
del font["CFF "]
glyf.compile(font)
# TrueType rasterisers place glyphs by the left side bearing, which must equal
# the outline's xMin; CFF does not store it, so take it from the new outline.
hmtx = font["hmtx"]
for name, g in glyf.glyphs.items():
    if hasattr(g, "xMin"):
        hmtx[name] = (hmtx[name][0], g.xMin)
# maxp version 1.0 is the TrueType one (CFF fonts carry 0.5); no hinting, so
# the instruction-related limits are zero. The point/contour maxima are
# recomputed when the font is saved.
font["maxp"] = maxp = newTable("maxp")
maxp.tableVersion = 0x00010000
maxp.maxZones = 1
for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
    setattr(maxp, field, 0)
post = font["post"]
post.formatType = 3.0
post.extraNames, post.mapping = [], {}
font.sfntVersion = "\0\1\0\0"
font.save(dst)

# Check the result against its source, glyph by glyph (by index: without
# post names the reloaded glyphs are named differently): same characters,
# same advances, and every glyph that had ink still has some.
from fontTools.pens.boundsPen import BoundsPen
ttf, otf = TTFont(dst), TTFont(src)
assert ttf.sfntVersion == "\0\1\0\0" and "glyf" in ttf and "CFF " not in ttf
new_order = ttf.getGlyphOrder()
assert len(new_order) == len(order), "glyph count changed"
rename = dict(zip(order, new_order))
otf_set = otf.getGlyphSet()
assert {cp: rename[g] for cp, g in otf.getBestCmap().items()} == ttf.getBestCmap(), "cmap changed"
for old, new in rename.items():
    assert ttf["hmtx"][new][0] == otf["hmtx"][old][0], "advance of %s changed" % old
    pen = BoundsPen(otf_set)
    otf_set[old].draw(pen)
    assert (pen.bounds is None) == (ttf["glyf"][new].numberOfContours == 0), "ink of %s changed" % old
print("%s: %d glyphs, %d characters, checked" % (dst, len(new_order), len(ttf.getBestCmap())))
PYEOF
    echo "$(basename "$out"): $(stat -c %s "$out") bytes"
}

subset Regular
subset Bold
