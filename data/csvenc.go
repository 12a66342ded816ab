package data

import (
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
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// DetectEncoding reads the whole content once: a byte-order mark decides; otherwise valid UTF-8 is
// UTF-8 and anything else is GB18030. The whole file is read because a GBK file often starts with
// plain ASCII (an English header, numbers) and shows its first Chinese byte much later. A NUL byte
// outside UTF-16 means a binary file.
func DetectEncoding(r io.ReaderAt, size int64) (TextEncoding, error) {
	head := make([]byte, min(size, 3))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return "", err
	}
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return EncodingUTF8BOM, checkNoNUL(r, size)
	case bytes.HasPrefix(head, bomUTF16LE):
		return EncodingUTF16LE, nil
	case bytes.HasPrefix(head, bomUTF16BE):
		return EncodingUTF16BE, nil
	}
	valid, err := validUTF8(io.NewSectionReader(r, 0, size))
	if err != nil {
		return "", err
	}
	if valid {
		return EncodingUTF8, nil
	}
	return EncodingGB18030, nil
}

func checkNoNUL(r io.ReaderAt, size int64) error {
	_, err := validUTF8(io.NewSectionReader(r, 0, size))
	return err
}

// validUTF8 streams r and reports whether it is valid UTF-8, carrying a rune cut by a chunk's end over
// to the next chunk. It fails with ErrBinaryFile at the first NUL byte.
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 256<<10)
	carry := 0
	valid := true
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		if bytes.IndexByte(buf[carry:n], 0) >= 0 {
			return false, ErrBinaryFile
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
		if valid && !utf8.Valid(buf[:end]) {
			valid = false
		}
		carry = copy(buf, buf[end:n])
		if err == io.EOF {
			return valid && carry == 0, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// decodeText turns the file's bytes into UTF-8 without a byte-order mark.
func decodeText(enc TextEncoding, r io.Reader) io.Reader {
	switch enc {
	case EncodingUTF8BOM:
		return unicode.UTF8BOM.NewDecoder().Reader(r)
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
	cw, err := newExcelCSV(w)
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

func newExcelCSV(w io.Writer) (*safeCSVWriter, error) {
	if _, err := w.Write(bomUTF8); err != nil {
		return nil, err
	}
	cw := newSafeCSVWriter(w)
	cw.cw.UseCRLF = true
	return cw, nil
}
