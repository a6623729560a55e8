package store

import (
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/czyj/credwatch/credit"
)

func TestRecordEncoding(t *testing.T) {
	full := credit.Record{Kind: credit.Penalty, ID: "CF-1", Dept: "320412", SubjectName: "常州市某某化工有限公司",
		SubjectKind: credit.SubjectLegal, USCC: "91320412MA1XXXXX0X", LegalRep: "张三", DocNo: "常武应急罚〔2025〕1号",
		Decided: credit.MustDate("2025-03-01"), Authority: "常州市武进区应急管理局", AuthCode: "11320412", SourceUnit: "武进区应急局",
		SourceCode: "113204", Content: "罚款人民币贰万元", Note: "备注", Violation: "未按规定", Facts: "事实\nline2", Basis: "《安全生产法》",
		PenaltyTypes: []string{"警告", "罚款"}, Severity: credit.Serious, FineYuan: 20000, Accident: true,
		LicenceCategory: "普通", CertName: "证", LicenceNo: "L-1", ValidFrom: credit.MustDate("2025-01-01"), ValidTo: credit.MustDate("2028-02-29"),
		LicenceStatus: "有效", Disclosed: credit.MustDate("2025-03-04"), Rejected: "字段缺失", NoticeGiven: true, EducationDone: true,
		ReminderSet: true, UpdatedAt: time.Date(2025, 3, 4, 10, 11, 12, 13, time.FixedZone("", 8*3600)),
		ValidUntil: credit.MustDate("2099-12-31"), PublishUntil: credit.MustDate("2028-03-01")}
	publishOnly := credit.Record{Kind: credit.Penalty, ID: "p", Dept: "d", PublishUntil: credit.MustDate("2026-03-01")}
	utc := credit.Record{Kind: credit.Licence, ID: "x", Dept: "d", UpdatedAt: time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC)}
	other := credit.Record{Kind: credit.Reward, ID: "y", UpdatedAt: time.Date(1900, 1, 1, 0, 0, 0, 0, time.FixedZone("", -5*3600))}
	imported := full
	imported.Origin = &credit.Origin{File: "武进区11月行政处罚.xlsx", Sheet: "法人", Row: 7, Hash: "0123456789abcdef",
		ImportedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	for name, r := range map[string]credit.Record{"full": full, "imported": imported, "publish only": publishOnly, "utc": utc, "zone": other, "empty": {Kind: credit.Coercion, ID: "z"}} {
		t.Run(name, func(t *testing.T) {
			m := recMeta{Dept: r.Dept, Kind: r.Kind, ID: r.ID, DocNo: r.DocNo, Decided: r.Decided, Disclosed: r.Disclosed,
				Received: 1_700_000_000_000_000_000, Issues: []string{"x-issue"}}
			v := appendRecord(nil, &r, &m)
			var got credit.Record
			var gotM recMeta
			for _, in := range []interner{nil, {}} {
				if err := decodeRecord(v, &got, &gotM, in); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, r) || !got.UpdatedAt.Equal(r.UpdatedAt) {
					t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
				}
				if !reflect.DeepEqual(gotM, m) {
					t.Errorf("header: got %+v, want %+v", gotM, m)
				}
			}
			var h recMeta
			if err := recordHeader(v, &h); err != nil || !reflect.DeepEqual(h, m) {
				t.Errorf("recordHeader: %+v, %v", h, err)
			}
			for i := 1; i < len(v); i++ {
				if err := decodeRecord(v[:i], &got, nil, nil); err == nil {
					t.Fatalf("truncated to %d of %d bytes: no error", i, len(v))
				}
			}
			if err := decodeRecord(append(v[:len(v):len(v)], 0), &got, nil, nil); err == nil {
				t.Error("trailing byte: no error")
			}
		})
	}
	for name, v := range map[string][]byte{"empty": {}, "json": []byte(`{"kind":"penalty"}`), "version 9": {9, 0}} {
		if err := decodeRecord(v, &credit.Record{}, nil, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// Interned fields of many decoded records share one string.
func TestRecordDecodeInterns(t *testing.T) {
	r := credit.Record{Kind: credit.Penalty, ID: "1", Dept: "320412", Authority: "常州市武进区应急管理局", PenaltyTypes: []string{"罚款"}}
	v := appendRecord(nil, &r, &recMeta{Dept: r.Dept, Kind: r.Kind, ID: r.ID})
	in := interner{}
	var a, b credit.Record
	if err := decodeRecord(v, &a, nil, in); err != nil {
		t.Fatal(err)
	}
	if err := decodeRecord(v, &b, nil, in); err != nil {
		t.Fatal(err)
	}
	if unsafeData(a.Authority) != unsafeData(b.Authority) || unsafeData(a.PenaltyTypes[0]) != unsafeData(b.PenaltyTypes[0]) {
		t.Error("authority or penalty type decoded twice into separate strings")
	}
}

func unsafeData(s string) *byte { return unsafe.StringData(s) }

func TestSummaryEncoding(t *testing.T) {
	for name, p := range map[string]credit.PenaltySummary{
		"full":     {ID: "CF-1", Dept: "320412", SubjectName: "常州市某某化工有限公司", USCC: "91320412MA1XXXXX0X", DocNo: "常武应急罚〔2025〕1号", Severity: credit.Serious, Decided: credit.MustDate("2025-03-01"), Disclosed: credit.MustDate("2025-03-04"), PenaltyTypes: []string{"警告", "罚款"}},
		"empty":    {ID: "x"},
		"accident": {ID: "CF-2", Dept: "320412", Severity: credit.General, Decided: credit.MustDate("2025-03-01"), Accident: true},
		"三同步":      {ID: "CF-3", Dept: "320412", Severity: credit.General, Decided: credit.MustDate("2025-03-01"), NoticeGiven: true, ReminderSet: true},
	} {
		key := []byte(credit.RecordKey(credit.Penalty, p.ID))
		v := appendSummary(nil, &p)
		for _, in := range []interner{nil, {}} {
			var got credit.PenaltySummary
			if err := decodeSummary(key, v, &got, in); err != nil || !reflect.DeepEqual(got, p) {
				t.Errorf("%s: got %+v (%v), want %+v", name, got, err, p)
			}
		}
		for i := 0; i < len(v); i++ {
			if err := decodeSummary(key, v[:i], &credit.PenaltySummary{}, nil); err == nil {
				t.Errorf("%s truncated to %d bytes: no error", name, i)
			}
		}
		if err := decodeSummary([]byte("licence/x"), v, &credit.PenaltySummary{}, nil); err == nil {
			t.Errorf("%s under a licence key: no error", name)
		}
	}
}

// A summary written before the accident flag (sumV1) still decodes, without
// it.
func TestSummaryV1Decodes(t *testing.T) {
	p := credit.PenaltySummary{ID: "CF-1", Dept: "320412", SubjectName: "某公司", DocNo: "常武应急罚〔2025〕1号",
		Severity: credit.General, Decided: credit.MustDate("2025-03-01"), PenaltyTypes: []string{"罚款"}}
	v := appendSummary(nil, &p)
	v1 := append([]byte{sumV1}, v[1:len(v)-1]...) // the v1 layout: no flags byte
	var got credit.PenaltySummary
	if err := decodeSummary([]byte("penalty/CF-1"), v1, &got, nil); err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("v1: got %+v (%v), want %+v", got, err, p)
	}
}

func TestRepairEncoding(t *testing.T) {
	d := credit.MustDate("2026-03-02")
	for name, r := range map[string]credit.Repair{
		"full":      {RecordKey: "penalty/1", ReminderSent: d, Applied: d + 1, Reviewed: d + 2, Outcome: credit.OutcomeApproved, Cancelled: d + 3, Regraded: d + 4, NationalDone: d + 5, NationalReceipt: "GS-1", WithdrawalNote: "已去函", UpdatedAt: time.Date(2026, 3, 9, 8, 0, 0, 5, time.FixedZone("", 8*3600))},
		"empty":     {RecordKey: "penalty/2"},
		"utc":       {RecordKey: "penalty/3", Outcome: "maybe", UpdatedAt: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)},
		"fulfilled": {RecordKey: "penalty/4", Fulfilled: d, UpdatedAt: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)},
	} {
		v := appendRepair(nil, &r)
		for _, in := range []interner{nil, {}} {
			var got credit.Repair
			if err := decodeRepair([]byte(r.RecordKey), v, &got, in); err != nil || !reflect.DeepEqual(got, r) {
				t.Errorf("%s: got %+v (%v), want %+v", name, got, err, r)
			}
		}
		for i := 0; i < len(v); i++ {
			if err := decodeRepair([]byte(r.RecordKey), v[:i], &credit.Repair{}, nil); err == nil {
				t.Errorf("%s truncated to %d bytes: no error", name, i)
			}
		}
	}
	if err := decodeRepair([]byte("penalty/1"), []byte(`{"record_key":"penalty/1"}`), &credit.Repair{}, nil); err == nil {
		t.Error("JSON value: no error")
	}
	// A value written before Fulfilled (repV1) still decodes.
	r := credit.Repair{RecordKey: "penalty/5", Applied: d, WithdrawalNote: "x"}
	v := appendRepair(nil, &r)
	v1 := append([]byte{repV1}, v[1:len(v)-1]...) // Fulfilled 0 is one varint byte
	var got credit.Repair
	if err := decodeRepair([]byte(r.RecordKey), v1, &got, nil); err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("v1: got %+v (%v), want %+v", got, err, r)
	}
}
