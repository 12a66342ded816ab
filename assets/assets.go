// Package assets holds the files SalesDesk embeds in its binary: the
// Simplified Chinese UI fonts and the translation catalogues.
//
// It deliberately imports nothing from Fyne (only the standard library), so
// non-GUI code such as the CLI, importers or tests can use the translations
// without pulling in the GUI toolkit. The gui package wraps the font bytes in
// fyne resources itself.
package assets

import "embed"

// FontRegular is Noto Sans CJK SC Regular, subset to Latin, punctuation, UI
// symbols, all GB2312 hanzi, 通用规范汉字表 level 1 and common name characters
// (see fonts/README.md and fonts/subset.sh). OpenType/CFF, single face: Fyne
// cannot load .ttc collections. Licence: fonts/LICENSE-OFL.txt.
//
//go:embed fonts/NotoSansSC-Regular-subset.otf
var FontRegular []byte

// FontBold is the Bold face of the same subset. Fyne does not synthesise bold,
// so bold text needs its own face.
//
//go:embed fonts/NotoSansSC-Bold-subset.otf
var FontBold []byte

// PDFFontRegular and PDFFontBold are the same faces with TrueType (glyf)
// outlines, converted from the CFF ones by fonts/subset.sh, for the PDF
// reports: Go's PDF libraries embed TrueType only. The window keeps the CFF
// faces: Fyne's font parser reads every glyf outline when it loads a face,
// which for these 8,000 glyphs cost about 10 MB more memory than CFF. These
// bytes stay on disk until a report is written.
//
//go:embed fonts/NotoSansSC-Regular-subset.ttf
var PDFFontRegular []byte

//go:embed fonts/NotoSansSC-Bold-subset.ttf
var PDFFontBold []byte

// Translations holds translations/*.json (e.g. "translations/zh.json").
//
//go:embed translations/*.json
var Translations embed.FS

// Icon is the application icon, also named in FyneApp.toml for packaging.
//
//go:embed icon.png
var Icon []byte
