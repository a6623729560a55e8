package sync

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/czyj/credwatch/credit"
	"github.com/czyj/credwatch/sync/sim"
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

// A page decoded in one pass gives its buffer back for the next page
// (pageBufs), and what it decoded does not share the buffer: the buffer
// overwritten afterwards leaves the page's records as they were.
func TestPageBufferGivenBack(t *testing.T) {
	s := sim.New(sim.Options{Seed: 3, Records: 800, Today: testToday})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	ep := &Endpoint{Name: "hub", BaseURL: srv.URL, PageSize: 300}
	feed := string(credit.Penalty)
	for attempt := 0; ; attempt++ {
		wp, err := fetchWire(context.Background(), http.DefaultClient, ep, feed, "")
		if err != nil || !wp.decoded || len(wp.changes) == 0 {
			t.Fatalf("page not decoded in one pass: %v", err)
		}
		p, ok := pageBufs.Get().(*[]byte)
		if !ok { // sync.Pool may drop what it is given (it does at random under -race)
			if attempt == 20 {
				t.Fatal("the page's buffer was never given back")
			}
			continue
		}
		buf := (*p)[:cap(*p)]
		for i := range buf {
			buf[i] = 'X'
		}
		body, _, err := fetchBody(context.Background(), http.DefaultClient, ep, feed, "")
		if err != nil {
			t.Fatal(err)
		}
		want, ok := decodeRecordPage(feed, bytes.Clone(body))
		if !ok {
			t.Fatal("the page again: not decoded in one pass")
		}
		want.ServerTime = wp.ServerTime // the simulator's clock moved
		if !reflect.DeepEqual(wp, want) {
			t.Fatalf("the page changed when its buffer was reused:\n%+v\nwant\n%+v", wp.changes[0].Record, want.changes[0].Record)
		}
		return
	}
}
