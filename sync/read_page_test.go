package sync

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readPage returns the body whatever length the server declares (none, the
// truth, more or less than it sends), no more than maxPageBytes and a byte,
// and reads a page of declared length into one buffer of about its size.
func TestReadPage(t *testing.T) {
	body := bytes.Repeat([]byte(`{"id":"P1","name":"常州某某化工有限公司"},`), 30000) // about 1.4 MB
	n := int64(len(body))
	for _, declared := range []int64{-1, 0, n, n + 1000, n / 2, pagePresize * 8} {
		for _, r := range []io.Reader{bytes.NewReader(body), iotest.HalfReader(bytes.NewReader(body))} {
			got, err := readPage(r, declared)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("declared %d: %d bytes (%v), want the %d sent", declared, len(got), err, n)
			}
		}
	}
	big := strings.NewReader(strings.Repeat("x", maxPageBytes+100))
	if got, err := readPage(big, maxPageBytes+100); err != nil || len(got) != maxPageBytes+1 {
		t.Errorf("a page over the limit: %d bytes (%v), want %d", len(got), err, maxPageBytes+1)
	}
	if got, err := readPage(iotest.ErrReader(io.ErrUnexpectedEOF), n); err != io.ErrUnexpectedEOF || len(got) != 0 {
		t.Errorf("a failing read: %d bytes, %v", len(got), err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := readPage(bytes.NewReader(body), n); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 3 {
		t.Errorf("%v allocations to read a page of declared length, want the buffer and the reader's", allocs)
	}
}
