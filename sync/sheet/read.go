package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Encoding names what a csv file was read as.
const (
	EncUTF8    = "UTF-8"
	EncUTF8BOM = "UTF-8 (BOM)"
	EncGB18030 = "GB18030" // includes GBK and GB2312
)

// sheetRows is one sheet's rows, read one at a time.
type sheetRows interface {
	// Next returns the next row's cells (raw values: numbers as Excel
	// stores them, dates as serials) and its 1-based row number, or
	// io.EOF.
	Next() (cells []string, num int, err error)
	Close() error
}

// book is an opened file: its sheets in order.
type book interface {
	Sheets() []string
	Rows(sheet string) (sheetRows, error)
	// Encoding is how a csv file was decoded; "" for xlsx.
	Encoding() string
	Close() error
}

// openBook opens an xlsx or csv file by its extension.
func openBook(path string) (book, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		f, err := excelize.OpenFile(path)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		return &xlsxBook{f: f}, nil
	case ".csv", ".txt":
		return openCSV(path)
	case ".xls":
		return nil, fmt.Errorf("%s: the old .xls format is not read; save it as .xlsx or .csv in Excel or WPS", filepath.Base(path))
	}
	return nil, fmt.Errorf("%s: not an .xlsx or .csv file", filepath.Base(path))
}

type xlsxBook struct{ f *excelize.File }

func (b *xlsxBook) Sheets() []string { return b.f.GetSheetList() }
func (b *xlsxBook) Encoding() string { return "" }
func (b *xlsxBook) Close() error     { return b.f.Close() }

func (b *xlsxBook) Rows(sheet string) (sheetRows, error) {
	rows, err := b.f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("sheet %s: %w", sheet, err)
	}
	return &xlsxRows{rows: rows}, nil
}

// xlsxRows streams a sheet with excelize's row iterator (the sheet's XML is
// decoded as it is read, never materialised).
type xlsxRows struct {
	rows *excelize.Rows
	num  int
}

func (r *xlsxRows) Next() ([]string, int, error) {
	if !r.rows.Next() {
		if err := r.rows.Error(); err != nil {
			return nil, 0, err
		}
		return nil, 0, io.EOF
	}
	r.num++
	cells, err := r.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, r.num, err
	}
	return cells, r.num, nil
}

func (r *xlsxRows) Close() error { return r.rows.Close() }

// csvBook is a csv file: one sheet, named "".
type csvBook struct {
	f   *os.File
	enc string
}

// openCSV opens a csv file and detects its encoding from its first 64 KiB:
// a UTF-8 byte-order mark, else valid UTF-8, else GB18030 (a superset of
// GBK and GB2312) if those bytes decode as GB18030 without error. Anything
// else is refused with the offset of the first byte that is neither: the
// encoding is never guessed silently.
func openCSV(path string) (*csvBook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	enc, err := detectEncoding(head[:n], n < len(head))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return &csvBook{f: f, enc: enc}, nil
}

// detectEncoding names the encoding of b, the start of a file (all of it
// when whole).
func detectEncoding(b []byte, whole bool) (string, error) {
	if bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		return EncUTF8BOM, nil
	}
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return "", errors.New("the file is UTF-16 (Excel's \"Unicode text\"); save it as CSV UTF-8 or CSV")
	}
	check := b
	if !whole { // the last rune may be cut
		for i := 0; i < utf8.UTFMax && len(check) > 0 && !utf8.Valid(check); i++ {
			check = check[:len(check)-1]
		}
	}
	if utf8.Valid(check) {
		return EncUTF8, nil
	}
	dec := simplifiedchinese.GB18030.NewDecoder()
	out, _, err := transform.Bytes(dec, trimPartialGB(b, whole))
	if err == nil && !bytes.ContainsRune(out, utf8.RuneError) {
		return EncGB18030, nil
	}
	off := 0
	for off < len(check) {
		r, size := utf8.DecodeRune(check[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	return "", fmt.Errorf("neither UTF-8 nor GB18030/GBK (first undecodable byte at offset %d); save it as CSV UTF-8 or as CSV from Chinese Excel or WPS", off)
}

// trimPartialGB drops a multi-byte GB18030 sequence cut at the end of b.
func trimPartialGB(b []byte, whole bool) []byte {
	if whole || len(b) == 0 {
		return b
	}
	// Walk the sequences: one byte < 0x80, else two or four bytes.
	i := 0
	for i < len(b) {
		c := b[i]
		switch {
		case c < 0x80:
			i++
		case i+1 < len(b) && b[i+1] >= 0x30 && b[i+1] <= 0x39:
			if i+4 > len(b) {
				return b[:i]
			}
			i += 4
		default:
			if i+2 > len(b) {
				return b[:i]
			}
			i += 2
		}
	}
	return b
}

func (b *csvBook) Sheets() []string { return []string{""} }
func (b *csvBook) Encoding() string { return b.enc }
func (b *csvBook) Close() error     { return b.f.Close() }

func (b *csvBook) Rows(string) (sheetRows, error) {
	if _, err := b.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	var r io.Reader = bufio.NewReaderSize(b.f, 64<<10)
	switch b.enc {
	case EncUTF8BOM:
		r.(*bufio.Reader).Discard(3)
	case EncGB18030:
		r = transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &csvRows{r: cr, utf8: b.enc != EncGB18030}, nil
}

type csvRows struct {
	r    *csv.Reader
	utf8 bool
}

// errRowEncoding marks a csv row that is not valid UTF-8 in a file whose
// start was: the file mixes encodings.
var errRowEncoding = errors.New("the row is not valid UTF-8 although the file's start is: the file mixes encodings")

func (r *csvRows) Next() ([]string, int, error) {
	rec, err := r.r.Read()
	line, _ := r.r.FieldPos(0)
	if err != nil {
		return nil, line, err
	}
	if r.utf8 {
		for _, c := range rec {
			if !utf8.ValidString(c) {
				return rec, line, errRowEncoding
			}
		}
	}
	return rec, line, nil
}

func (r *csvRows) Close() error { return nil }
