package credit

import (
	"fmt"
	"time"
)

// Severity is the dishonesty tier of a penalty: 轻微 (only under ndrc-2026),
// 一般 or 严重.
type Severity string

const (
	Minor   Severity = "minor"   // 轻微失信
	General Severity = "general" // 一般失信
	Serious Severity = "serious" // 严重失信
)

// Chinese returns 轻微, 一般 or 严重.
func (s Severity) Chinese() string {
	switch s {
	case Minor:
		return "轻微"
	case General:
		return "一般"
	case Serious:
		return "严重"
	}
	return string(s)
}

// ParseSeverity accepts minor/general/serious or 轻微/一般/严重.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "minor", "轻微":
		return Minor, nil
	case "general", "一般":
		return General, nil
	case "serious", "严重":
		return Serious, nil
	}
	return "", fmt.Errorf("unknown severity %q: want minor, general or serious", s)
}

// Subject kinds (行政相对人类别).
const (
	SubjectLegal      = "法人及非法人组织"
	SubjectPerson     = "自然人"
	SubjectIndividual = "个体工商户"
)

// PenaltyTypes lists 处罚类别 (CF_CFLB) values in the national order.
var PenaltyTypes = []string{
	"警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件",
	"降低资质等级", "吊销许可证件", "限制开展生产经营活动", "责令停产停业",
	"责令关闭", "限制从业", "行政拘留", "其他",
}

// Record is one item of administrative credit information as its source
// system publishes it: the common core of the 双公示 fields for all five
// kinds, plus penalty and licence specifics. Field comments give the national
// field name (CF_ for penalties, XK_ for licences).
type Record struct {
	Kind Kind   `json:"kind"`
	ID   string `json:"id"` // the source system's identifier; with Kind, the natural key
	Dept string `json:"dept"`

	SubjectName string `json:"subject_name"`        // 行政相对人名称 CF_XDR_MC
	SubjectKind string `json:"subject_kind"`        // 行政相对人类别 CF_XDR_LB
	USCC        string `json:"uscc,omitempty"`      // 统一社会信用代码 CF_XDR_SHXYM
	LegalRep    string `json:"legal_rep,omitempty"` // 法定代表人 CF_FRDB
	DocNo       string `json:"doc_no"`              // 决定书文号 CF_WSH / XK_WSH
	Decided     Date   `json:"decided"`             // 决定日期 CF_JDRQ / XK_JDRQ
	Authority   string `json:"authority"`           // 处罚机关 / 许可机关
	AuthCode    string `json:"authority_code,omitempty"`
	SourceUnit  string `json:"source_unit"` // 数据来源单位 CF_SJLY / XK_LYDW
	SourceCode  string `json:"source_unit_code,omitempty"`
	Content     string `json:"content,omitempty"` // 处罚内容 / 许可内容 / other kinds' content
	Note        string `json:"note,omitempty"`    // 备注 BZ

	// Penalty specifics.
	Violation    string   `json:"violation,omitempty"`     // 违法行为类型 CF_WFXW
	Facts        string   `json:"facts,omitempty"`         // 违法事实 CF_SY
	Basis        string   `json:"basis,omitempty"`         // 处罚依据 CF_YJ
	PenaltyTypes []string `json:"penalty_types,omitempty"` // 处罚类别 CF_CFLB
	Severity     Severity `json:"severity,omitempty"`      // 一般 / 严重 (轻微 under ndrc-2026)
	FineYuan     int64    `json:"fine_yuan,omitempty"`     // 罚款金额, in yuan (CF_NR_FK is in 万元)
	Accident     bool     `json:"accident,omitempty"`      // involves a production-safety accident
	// ValidUntil is 处罚有效期 (CF_YXQ), the end of the penalty's effect as
	// the source system states it (2099-12-31: long-term). PublishUntil is
	// 公示截止期 (CF_GSJZQ), the last day of publication as the source system
	// states it; it should be the maximum disclosure end the rules give
	// (Rules.CheckPenalty). Both optional.
	ValidUntil   Date `json:"valid_until,omitempty"`
	PublishUntil Date `json:"publish_until,omitempty"`

	// Licence specifics.
	LicenceCategory string `json:"licence_category,omitempty"` // 许可类别 XK_XKLB
	CertName        string `json:"cert_name,omitempty"`        // 许可证书名称 XK_XKZS
	LicenceNo       string `json:"licence_no,omitempty"`       // 许可编号 XK_XKBH
	ValidFrom       Date   `json:"valid_from,omitempty"`       // 有效期自 XK_YXQZ
	ValidTo         Date   `json:"valid_to,omitempty"`         // 有效期至 XK_YXQZI
	LicenceStatus   string `json:"licence_status,omitempty"`   // 当前状态 XK_ZT

	// Disclosure as reported by the data-sharing platform.
	Disclosed Date   `json:"disclosed,omitempty"`       // day the record reached public disclosure
	Rejected  string `json:"rejected_reason,omitempty"` // why the platform rejected it, if it did

	// 三同步 for general penalties (Art. 7): done when the flags are set.
	NoticeGiven   bool      `json:"notice_given,omitempty"`   // 信用修复告知书 issued
	EducationDone bool      `json:"education_done,omitempty"` // 诚信教育 / 警示约谈 done
	ReminderSet   bool      `json:"reminder_set,omitempty"`   // 修复提醒 set up
	UpdatedAt     time.Time `json:"updated_at"`               // when the source last changed it

	// Origin is where an imported record came from (a 双公示 template file,
	// credwatch import or a folder source); nil for records from an endpoint.
	// It is not part of the agency API: an endpoint cannot set it (no JSON
	// name); the cache stores it (store/codec.go).
	Origin *Origin `json:"-"`
}

// Origin is the provenance of an imported record: the file, sheet and row
// it was read from, the hash of the row's content and when it was imported.
// Hash is what makes an import idempotent: a row whose content hash equals
// the cached record's is unchanged, whatever file it came in.
type Origin struct {
	File       string    `json:"file"`
	Sheet      string    `json:"sheet,omitempty"` // empty for csv
	Row        int       `json:"row"`             // 1-based, as Excel numbers rows
	Hash       string    `json:"hash"`            // hex SHA-256 of the mapped row content (first 16 bytes)
	ImportedAt time.Time `json:"imported_at"`
}

// Key returns the record's stable natural key, "kind/id".
func (r *Record) Key() string { return RecordKey(r.Kind, r.ID) }

// RecordKey builds the natural key of a record of kind k with source id id.
func RecordKey(k Kind, id string) string { return string(k) + "/" + id }

// HasPenaltyType reports whether the record's 处罚类别 include t.
func (r *Record) HasPenaltyType(t string) bool {
	for _, p := range r.PenaltyTypes {
		if p == t {
			return true
		}
	}
	return false
}
