package data

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// TextEncoding is how an imported CSV file spells its characters. Excel on a Chinese Windows saves
// "CSV" as GBK (GB18030 is its superset), "CSV UTF-8" with a byte-order mark, and "Unicode text" as
// UTF-16 with a mark; other programs write plain UTF-8.
type TextEncoding string

const (
	EncodingUTF8    TextEncoding = "utf-8"
	EncodingUTF8BOM TextEncoding = "utf-8-bom"
	EncodingUTF16LE TextEncoding = "utf-16le"
	EncodingUTF16BE TextEncoding = "utf-16be"
	EncodingGB18030 TextEncoding = "gb18030"
)

// ErrBinaryFile refuses a file that holds bytes no text file has (an image, a program, an old .xls).
var ErrBinaryFile = errors.New("the file is not text")

var (
	BomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// DetectEncoding reads the whole content once: a byte-order mark decides; otherwise the file is
// read both as UTF-8 and as GB18030, and the one under which fewer byte sequences fail to decode wins,
// UTF-8 on a tie. One bad byte in a UTF-8 file is then a UTF-8 file with one bad byte (which the
// import reports at its row) rather than a GB18030 file of garbled text: Chinese text in UTF-8 read as
// GB18030 fails at the end of every run of an odd number of characters, while GBK text read as UTF-8
// fails at nearly every character. The whole file is read because a GBK file often starts with plain
// ASCII (an English header, numbers) and shows its first Chinese byte much later. A NUL byte outside
// UTF-16 means a binary file.
func DetectEncoding(r io.ReaderAt, size int64) (TextEncoding, error) {
	head := make([]byte, min(size, 3))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return "", err
	}
	switch {
	case bytes.HasPrefix(head, BomUTF8):
		return EncodingUTF8BOM, checkNoNUL(r, size)
	case bytes.HasPrefix(head, bomUTF16LE):
		return EncodingUTF16LE, nil
	case bytes.HasPrefix(head, bomUTF16BE):
		return EncodingUTF16BE, nil
	}
	bad, err := invalidUTF8(io.NewSectionReader(r, 0, size))
	if err != nil {
		return "", err
	}
	if bad == 0 {
		return EncodingUTF8, nil
	}
	badGB, err := invalidGB18030(io.NewSectionReader(r, 0, size))
	if err != nil {
		return "", err
	}
	if badGB < bad {
		return EncodingGB18030, nil
	}
	return EncodingUTF8, nil
}

func checkNoNUL(r io.ReaderAt, size int64) error {
	_, err := invalidUTF8(io.NewSectionReader(r, 0, size))
	return err
}

// invalidUTF8 streams r and counts the byte sequences that are not UTF-8, carrying a rune cut by a
// chunk's end over to the next chunk. It fails with ErrBinaryFile at the first NUL byte.
func invalidUTF8(r io.Reader) (int, error) {
	buf := make([]byte, 256<<10)
	carry := 0
	bad := 0
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		if bytes.IndexByte(buf[carry:n], 0) >= 0 {
			return 0, ErrBinaryFile
		}
		end := n
		if err == nil {
			// Hold back an incomplete rune at the end of the chunk.
			for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
				if utf8.RuneStart(buf[i]) {
					if !utf8.FullRune(buf[i:n]) {
						end = i
					}
					break
				}
			}
		}
		if chunk := buf[:end]; !utf8.Valid(chunk) {
			for len(chunk) > 0 {
				r, size := utf8.DecodeRune(chunk)
				if r == utf8.RuneError && size == 1 {
					bad++
				}
				chunk = chunk[size:]
			}
		}
		carry = copy(buf, buf[end:n])
		if err == io.EOF {
			if carry > 0 {
				bad++ // the file ends inside a sequence
			}
			return bad, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// invalidGB18030 counts the byte sequences of r that GB18030 does not decode (the decoder puts U+FFFD
// in their place; GB18030 encodes U+FFFD itself as four bytes no real file holds).
func invalidGB18030(r io.Reader) (int, error) {
	text := bufio.NewReaderSize(simplifiedchinese.GB18030.NewDecoder().Reader(r), 64<<10)
	bad := 0
	for {
		c, _, err := text.ReadRune()
		if err == io.EOF {
			return bad, nil
		}
		if err != nil {
			return 0, err
		}
		if c == utf8.RuneError {
			bad++
		}
	}
}

// decodeText turns the file's bytes into UTF-8 without a byte-order mark.
func decodeText(enc TextEncoding, r io.Reader) io.Reader {
	switch enc {
	case EncodingUTF8BOM:
		// The mark is dropped and the rest handed on as it is: a decoder would turn a bad byte into
		// U+FFFD, and the import reports a bad byte only when it still sees it.
		_, _ = io.CopyN(io.Discard, r, int64(len(BomUTF8)))
		return r
	case EncodingUTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Reader(r)
	case EncodingUTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Reader(r)
	case EncodingGB18030:
		return simplifiedchinese.GB18030.NewDecoder().Reader(r)
	}
	return r
}

// WriteExcelCSV writes a header and records the way Excel reads them on any Windows: UTF-8 with a
// byte-order mark (without it a Chinese Windows reads the file as GBK and garbles the names) and CRLF
// line ends.
func WriteExcelCSV(w io.Writer, header []string, records [][]string) error {
	cw, err := NewExcelCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range records {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func NewExcelCSV(w io.Writer) (*safeCSVWriter, error) {
	if _, err := w.Write(BomUTF8); err != nil {
		return nil, err
	}
	cw := newSafeCSVWriter(w)
	cw.cw.UseCRLF = true
	return cw, nil
}
