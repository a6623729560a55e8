package tui

import (
	"reflect"
	"time"

	"github.com/czyj/credwatch/credit"
)

// checkInputs are what a build's daily checklist and sign-off history
// were computed from (buildCheck): kept with the build, so that a reload
// that finds the data unchanged (buildInput.reuse) shows the same view
// without computing the check again. At 1M records the check goes over
// tens of thousands of references; an SSH server's 32 sessions reloaded
// it after every sync pass, each for itself.
type checkInputs struct {
	data     *credit.CheckData
	checkErr string
	signoffs map[credit.Date]credit.Signoff
	inUse    credit.Date
	clock    time.Time
}

func checkInputsOf(in *buildInput) checkInputs {
	return checkInputs{data: in.check, checkErr: in.checkErr, signoffs: in.signoffs, inUse: in.inUseSince, clock: in.clock}
}

// sameCheck reports whether buildCheck(in) would give what it gave for
// prev, a build of the same day from the same lists: the same check data
// judged on in's clock as on prev's (sameCheckData), the same sign-offs
// and the same first day in use. Then only the clock has moved.
func sameCheck(prev checkInputs, in *buildInput) bool {
	a, b := prev.data, in.check
	if a == nil || b == nil || prev.checkErr != "" || in.checkErr != "" || prev.inUse != in.inUseSince {
		return false
	}
	return sameCheckData(a, b, prev.clock, in.clock) && reflect.DeepEqual(prev.signoffs, in.signoffs)
}
