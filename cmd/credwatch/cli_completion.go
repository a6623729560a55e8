package main

import (
	"fmt"
	"io"
	"strings"
)

// completionCommand is what a completion script knows of one command.
type completionCommand struct {
	name, summary string
	flags         []helpFlag // its own, then the global flags it does not shadow
	values        map[string][]string
	positional    []string
}

// completionData gathers, from the command table and each command's flag
// set, everything the scripts offer.
func completionData() (cmds []completionCommand, global []helpFlag, globalValues map[string][]string) {
	cat := cliCat() // descriptions in the command line's language
	global = flagList(cat, globalFlags(&globals{}))
	globalValues = map[string][]string{"lang": langValues, "encoding": encodingNames, "log-format": {"text", "json", "auto"}, "log-level": {"debug", "info", "warn", "error"}}
	for _, c := range commands() {
		own := flagList(cat, describe(c))
		cc := completionCommand{name: c.name, summary: cat.T(c.summary), values: c.values, positional: c.positional, flags: own}
		if c.name == "help" {
			cc.positional = commandNames()
		}
		for _, g := range global {
			if !hasFlag(own, g.name) {
				cc.flags = append(cc.flags, g)
			}
		}
		cmds = append(cmds, cc)
	}
	return cmds, global, globalValues
}

func hasFlag(flags []helpFlag, name string) bool {
	for _, f := range flags {
		if f.name == name {
			return true
		}
	}
	return false
}

// runCompletion implements "credwatch completion bash|zsh|powershell".
func runCompletion(e *env, args []string) int {
	fs := newFlags("completion")
	if code, ok := parseFlags(fs, args, e.stdout, e.stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(e, "completion", "name the shell: %s", strings.Join(shellNames, ", "))
	}
	switch fs.Arg(0) {
	case "bash":
		writeBashCompletion(e.stdout)
	case "zsh":
		writeZshCompletion(e.stdout)
	case "powershell", "pwsh":
		writePowerShellCompletion(e.stdout)
	default:
		return usageError(e, "completion", "unknown shell %q: want %s", fs.Arg(0), strings.Join(shellNames, ", "))
	}
	return 0
}

// firstSentence shortens a flag's or command's text for a completion menu.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, sep := range []string{". ", "; ", " (", ": ", "。", "；", "（", "："} {
		if i := strings.Index(s, sep); i > 20 {
			s = s[:i]
		}
	}
	if r := []rune(s); len(r) > 70 {
		s = string(r[:69]) + "…"
	}
	return s
}

func writeBashCompletion(w io.Writer) {
	cmds, global, globalValues := completionData()
	var b strings.Builder
	b.WriteString("# bash completion for credwatch, written by `credwatch completion bash`.\n")
	b.WriteString("# Load it with: source <(credwatch completion bash)\n\n")
	b.WriteString("_credwatch() {\n")
	b.WriteString("    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i w\n")
	b.WriteString("    for ((i = 1; i < COMP_CWORD; i++)); do\n        w=${COMP_WORDS[i]}\n        case $w in\n")
	if vf := valueFlags(global); len(vf) > 0 {
		fmt.Fprintf(&b, "            %s) ((i++)) ;;\n", strings.Join(vf, "|"))
	}
	b.WriteString("            -*) ;;\n            *) cmd=$w; break ;;\n        esac\n    done\n")
	b.WriteString("    case $cmd in\n")
	for _, c := range append([]completionCommand{{name: "", flags: global, values: globalValues, positional: commandNames()}}, cmds...) {
		label := c.name
		if label == "" {
			label = `""`
		}
		fmt.Fprintf(&b, "        %s)\n            case $prev in\n", label)
		for _, f := range c.flags {
			if f.boolean {
				continue
			}
			vals := valuesFor(c, f, global, globalValues)
			if len(vals) > 0 {
				fmt.Fprintf(&b, "                %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", dashed(f.name), strings.Join(vals, " "))
			} else {
				fmt.Fprintf(&b, "                %s) return ;;\n", dashed(f.name))
			}
		}
		b.WriteString("            esac\n")
		var names []string
		for _, f := range c.flags {
			names = append(names, dashed(f.name))
		}
		fmt.Fprintf(&b, "            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", strings.Join(names, " "))
		if len(c.positional) > 0 {
			fmt.Fprintf(&b, "            else COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", strings.Join(c.positional, " "))
		}
		b.WriteString("            fi ;;\n")
	}
	b.WriteString("    esac\n}\n\ncomplete -o default -F _credwatch credwatch\n")
	io.WriteString(w, b.String())
}

// valuesFor is the fixed list of values of flag f of command c, if any:
// from the command's table entry, or for a global flag the global list.
func valuesFor(c completionCommand, f helpFlag, global []helpFlag, globalValues map[string][]string) []string {
	if v, ok := c.values[f.name]; ok {
		return v
	}
	for _, g := range global {
		if g == f {
			return globalValues[f.name]
		}
	}
	return nil
}

// valueFlags lists, dashed, the flags that take a value.
func valueFlags(flags []helpFlag) []string {
	var out []string
	for _, f := range flags {
		if !f.boolean {
			out = append(out, dashed(f.name))
		}
	}
	return out
}

func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func zshSpec(f helpFlag, vals []string) string {
	desc := strings.NewReplacer("[", `\[`, "]", `\]`, ":", `\:`).Replace(firstSentence(f.usage))
	if f.boolean {
		return zshQuote(fmt.Sprintf("%s[%s]", dashed(f.name), desc))
	}
	action := "_files"
	switch {
	case len(vals) > 0:
		action = "(" + strings.Join(vals, " ") + ")"
	case !strings.Contains(strings.ToUpper(f.placeholder), "FILE") && !strings.Contains(strings.ToUpper(f.placeholder), "DIR"):
		action = " "
	}
	ph := strings.NewReplacer(":", `\:`, "|", " or ").Replace(f.placeholder)
	return zshQuote(fmt.Sprintf("%s=[%s]:%s:%s", dashed(f.name), desc, strings.ToLower(ph), action))
}

func writeZshCompletion(w io.Writer) {
	cmds, global, globalValues := completionData()
	var b strings.Builder
	b.WriteString("#compdef credwatch\n# zsh completion for credwatch, written by `credwatch completion zsh`.\n")
	b.WriteString("# Save it as _credwatch in a directory of $fpath, or: source <(credwatch completion zsh)\n\n")
	b.WriteString("_credwatch() {\n    local curcontext=$curcontext state line\n    local -a globals commands\n    globals=(\n")
	for _, f := range global {
		fmt.Fprintf(&b, "        %s\n", zshSpec(f, globalValues[f.name]))
	}
	b.WriteString("    )\n    commands=(\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "        %s\n", zshQuote(c.name+":"+firstSentence(c.summary)))
	}
	b.WriteString("    )\n    _arguments -C $globals '1: :->command' '*:: :->args' && return\n")
	b.WriteString("    case $state in\n        command) _describe -t commands 'credwatch command' commands ;;\n        args)\n            case $words[1] in\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "                %s) _arguments", c.name)
		for _, f := range c.flags {
			fmt.Fprintf(&b, " \\\n                    %s", zshSpec(f, valuesFor(c, f, global, globalValues)))
		}
		switch {
		case len(c.positional) > 0:
			fmt.Fprintf(&b, " \\\n                    %s", zshQuote("1:argument:("+strings.Join(c.positional, " ")+")"))
		case c.name == "import":
			fmt.Fprintf(&b, " \\\n                    %s", zshQuote("*:file:_files"))
		}
		b.WriteString(" ;;\n")
	}
	b.WriteString("            esac ;;\n    esac\n}\n\n")
	b.WriteString("if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then\n    _credwatch \"$@\"\nelse\n    compdef _credwatch credwatch\nfi\n")
	io.WriteString(w, b.String())
}

func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func psList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = psQuote(v)
	}
	return "@(" + strings.Join(q, ", ") + ")"
}

func writePowerShellCompletion(w io.Writer) {
	cmds, global, globalValues := completionData()
	var b strings.Builder
	b.WriteString("# PowerShell completion for credwatch, written by `credwatch completion powershell`.\n")
	b.WriteString("# Load it with: credwatch completion powershell | Out-String | Invoke-Expression\n\n")
	b.WriteString("Register-ArgumentCompleter -Native -CommandName 'credwatch', 'credwatch.exe' -ScriptBlock {\n")
	b.WriteString("    param($wordToComplete, $commandAst, $cursorPosition)\n")
	b.WriteString("    $commands = [ordered]@{\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "        %s = %s\n", psQuote(c.name), psQuote(firstSentence(c.summary)))
	}
	b.WriteString("    }\n    # flags of each command ('' for none), and those of them that take a value\n    $flags = @{\n")
	var gnames []string
	for _, f := range global {
		gnames = append(gnames, dashed(f.name))
	}
	fmt.Fprintf(&b, "        '' = %s\n", psList(gnames))
	for _, c := range cmds {
		var names []string
		for _, f := range c.flags {
			names = append(names, dashed(f.name))
		}
		fmt.Fprintf(&b, "        %s = %s\n", psQuote(c.name), psList(names))
	}
	b.WriteString("    }\n    $takesValue = @{\n")
	fmt.Fprintf(&b, "        '' = %s\n", psList(valueFlags(global)))
	for _, c := range cmds {
		fmt.Fprintf(&b, "        %s = %s\n", psQuote(c.name), psList(valueFlags(c.flags)))
	}
	b.WriteString("    }\n    # values of flags that take a fixed list: 'COMMAND --flag', or '--flag' for a global flag\n    $values = @{\n")
	for _, f := range global {
		if v := globalValues[f.name]; len(v) > 0 {
			fmt.Fprintf(&b, "        %s = %s\n", psQuote(dashed(f.name)), psList(v))
		}
	}
	for _, c := range cmds {
		for _, f := range c.flags {
			if v := c.values[f.name]; len(v) > 0 {
				fmt.Fprintf(&b, "        %s = %s\n", psQuote(c.name+" "+dashed(f.name)), psList(v))
			}
		}
	}
	b.WriteString("    }\n    $positional = @{\n")
	for _, c := range cmds {
		if len(c.positional) > 0 {
			fmt.Fprintf(&b, "        %s = %s\n", psQuote(c.name), psList(c.positional))
		}
	}
	b.WriteString(`    }
    $cmd = ''
    $prev = ''
    $skip = $false
    foreach ($el in $commandAst.CommandElements | Select-Object -Skip 1) {
        if ($el.Extent.EndOffset -ge $cursorPosition) { break }
        $w = $el.ToString()
        if ($skip) { $skip = $false }
        elseif ($cmd -eq '' -and $takesValue[''] -contains $w) { $skip = $true }
        elseif ($cmd -eq '' -and -not $w.StartsWith('-')) { $cmd = $w }
        $prev = $w
    }
    if ($prev.StartsWith('-') -and $values.ContainsKey("$cmd $prev")) { $candidates = $values["$cmd $prev"] }
    elseif ($prev.StartsWith('-') -and $values.ContainsKey($prev)) { $candidates = $values[$prev] }
    elseif ($prev.StartsWith('-') -and ($takesValue[$cmd] + $takesValue['']) -contains $prev) { return }
    elseif ($wordToComplete.StartsWith('-')) { $candidates = $flags[$cmd] }
    elseif ($cmd -eq '') { $candidates = @($commands.Keys) }
    elseif ($positional.ContainsKey($cmd)) { $candidates = $positional[$cmd] }
    else { return }
    foreach ($c in $candidates) {
        if ($c -like "$wordToComplete*") {
            $tip = $c
            if ($cmd -eq '' -and $commands.Contains($c)) { $tip = $commands[$c] }
            [System.Management.Automation.CompletionResult]::new($c, $c, 'ParameterValue', $tip)
        }
    }
}
`)
	io.WriteString(w, b.String())
}
