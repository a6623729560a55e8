package credit

// Text is something the domain tells a person (a daily check's line, a
// data-quality issue, why a rule does not apply): the key of a message in
// the catalogue (package tui/i18n), which words it in Chinese and English,
// and the arguments the message takes. The domain decides what to say; it
// builds no display text itself. An argument may be a Text, or a list
// ([]Text or []string), which the catalogue words in the same language.
type Text struct {
	Key  string
	Args []any
}

// text makes a Text. Every Text of the package is made here, with a
// literal key, so that a test (tui/i18n) can find every key the domain
// emits and check that the catalogue words it.
func text(key string, args ...any) Text { return Text{Key: key, Args: args} }
