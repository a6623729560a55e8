package credit

import "fmt"

// Kind is one of the five kinds of administrative credit information (Art. 2).
type Kind string

const (
	Licence    Kind = "licence"    // 行政许可
	Penalty    Kind = "penalty"    // 行政处罚
	Coercion   Kind = "coercion"   // 行政强制
	Reward     Kind = "reward"     // 行政奖励
	Inspection Kind = "inspection" // 行政监督检查
)

// Kinds lists the five kinds in the order the document names them.
var Kinds = []Kind{Licence, Penalty, Coercion, Reward, Inspection}

var kindNames = map[Kind]string{
	Licence:    "行政许可",
	Penalty:    "行政处罚",
	Coercion:   "行政强制",
	Reward:     "行政奖励",
	Inspection: "行政监督检查",
}

var kindShort = map[Kind]string{
	Licence:    "许可",
	Penalty:    "处罚",
	Coercion:   "强制",
	Reward:     "奖励",
	Inspection: "检查",
}

// Chinese returns the kind's official Chinese name, e.g. 行政处罚.
func (k Kind) Chinese() string { return kindNames[k] }

// Short returns a two-character Chinese label for narrow columns, e.g. 处罚.
func (k Kind) Short() string { return kindShort[k] }

// Valid reports whether k is one of the five kinds.
func (k Kind) Valid() bool { _, ok := kindNames[k]; return ok }

// ParseKind accepts the English identifier or the Chinese name of a kind.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if s == string(k) || s == kindNames[k] || s == kindShort[k] {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown kind %q: want one of licence, penalty, coercion, reward, inspection", s)
}
