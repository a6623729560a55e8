package credit

import (
	"crypto/rand"
	"fmt"
)

// NewActionID returns a new action's identifier: a random UUID (version
// 4), which is also the Idempotency-Key the action is sent under
// (docs/agency-api.md). Make it once per action, store it with the action,
// and reuse it for every retry.
func NewActionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24 and later)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
