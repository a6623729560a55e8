package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/czyj/credwatch/credit"
	gossh "golang.org/x/crypto/ssh"
)

// Roles an authorised key may carry (docs/serve.md).
const (
	roleOfficer  = "officer"   // sees and acts on their departments
	roleReadOnly = "read-only" // sees their departments, takes no action
	roleAdmin    = "admin"     // sees and acts on every department
)

// officerKey is one entry of the authorised keys file: a public key and
// whom it stands for.
type officerKey struct {
	Name  string   // recorded as the actor of every action and audit line
	Role  string   // roleOfficer, roleReadOnly or roleAdmin
	Depts []string // empty: all departments (admin, or read-only with "*")
	Key   gossh.PublicKey
	Line  int
}

// Scope is what the key's officer may see and do, enforced by store.Scoped.
func (k officerKey) Scope() credit.Scope {
	return credit.Scope{Officer: k.Name, Depts: slices.Clone(k.Depts), ReadOnly: k.Role == roleReadOnly}
}

// sameAccess reports whether o grants what k grants: the same officer,
// role and departments (in any order).
func (k officerKey) sameAccess(o officerKey) bool {
	a, b := slices.Clone(k.Depts), slices.Clone(o.Depts)
	slices.Sort(a)
	slices.Sort(b)
	return k.Name == o.Name && k.Role == o.Role && slices.Equal(a, b)
}

// deptsText names the departments for audit lines.
func (k officerKey) deptsText() string {
	if len(k.Depts) == 0 {
		return "all"
	}
	return strings.Join(k.Depts, ",")
}

// ignoredKeyOptions are OpenSSH options accepted and ignored: the server
// forwards nothing and runs no shell, so they restrict nothing further.
// Any other option (from=, command=, ...) refuses the line, so that no
// restriction an administrator wrote is silently not enforced.
var ignoredKeyOptions = []string{"restrict", "no-agent-forwarding", "no-port-forwarding", "no-X11-forwarding", "no-user-rc"}

// parseAuthorizedKeys reads an authorized_keys file whose entries carry
// credwatch-name, credwatch-role and credwatch-depts options. A line that
// is not a valid entry is refused (its key gets no access) and described in
// problems with its line number; the other lines still count.
func parseAuthorizedKeys(data []byte, dir *credit.Directory) (keys []officerKey, problems []string) {
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := parseKeyLine(line, dir)
		if err == nil {
			if prev, dup := seen[string(k.Key.Marshal())]; dup {
				err = fmt.Errorf("the same key is already on line %d", prev)
			}
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		k.Line = n
		seen[string(k.Key.Marshal())] = n
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		problems = append(problems, err.Error())
	}
	return keys, problems
}

func parseKeyLine(line string, dir *credit.Directory) (officerKey, error) {
	pub, _, opts, rest, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return officerKey{}, fmt.Errorf("not an authorized_keys entry: %v", err)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return officerKey{}, fmt.Errorf("one key per line")
	}
	var k officerKey
	k.Key = pub
	var depts *string
	given := map[string]bool{}
	for _, o := range opts {
		name, val, hasVal := strings.Cut(o, "=")
		if given[name] {
			// OpenSSH would take the first, a reader might take the last:
			// refuse the line rather than guess which was meant.
			return officerKey{}, fmt.Errorf("option %s is given twice", name)
		}
		given[name] = true
		switch name {
		case "credwatch-name", "credwatch-role", "credwatch-depts":
		default:
			if !hasVal && slices.Contains(ignoredKeyOptions, name) {
				continue
			}
			return officerKey{}, fmt.Errorf("option %q is not supported by credwatch serve", name)
		}
		v, err := unquoteOption(val)
		if !hasVal || err != nil {
			return officerKey{}, fmt.Errorf("option %s wants a quoted value, as in %s=\"...\"", name, name)
		}
		switch name {
		case "credwatch-name":
			k.Name = strings.TrimSpace(v)
		case "credwatch-role":
			k.Role = v
		case "credwatch-depts":
			depts = &v
		}
	}
	switch {
	case k.Name == "":
		return officerKey{}, fmt.Errorf(`credwatch-name="..." (the officer's name) is missing`)
	case credit.Sanitize(k.Name) != k.Name:
		return officerKey{}, fmt.Errorf("credwatch-name contains control characters")
	case k.Role == "":
		return officerKey{}, fmt.Errorf(`credwatch-role="officer|read-only|admin" is missing`)
	}
	switch k.Role {
	case roleAdmin:
		if depts != nil && *depts != "" && *depts != "*" {
			return officerKey{}, fmt.Errorf("an admin sees every department: leave out credwatch-depts")
		}
		return k, nil
	case roleOfficer, roleReadOnly:
	default:
		return officerKey{}, fmt.Errorf("credwatch-role must be officer, read-only or admin, not %q", k.Role)
	}
	if depts == nil || strings.TrimSpace(*depts) == "" {
		return officerKey{}, fmt.Errorf(`credwatch-depts="320412,..." (the departments this officer checks) is missing`)
	}
	if strings.TrimSpace(*depts) == "*" {
		if k.Role != roleReadOnly {
			return officerKey{}, fmt.Errorf(`credwatch-depts="*" (every department) is for read-only keys; an officer who acts on every department is an admin`)
		}
		return k, nil
	}
	for _, d := range strings.Split(*depts, ",") {
		d = strings.TrimSpace(d)
		if _, ok := dir.Get(d); !ok {
			return officerKey{}, fmt.Errorf("unknown department %q in credwatch-depts (see [[department]] or docs/rules.md)", d)
		}
		if !slices.Contains(k.Depts, d) {
			k.Depts = append(k.Depts, d)
		}
	}
	return k, nil
}

// unquoteOption takes the value of an authorized_keys option: "..." with
// \" for a quote, as OpenSSH writes it.
func unquoteOption(v string) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", fmt.Errorf("not quoted")
	}
	return strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`), nil
}

// keyring is the authorised keys in force. It reloads the file when asked
// (SIGHUP) or when it changes; a file that cannot be read keeps the keys
// last loaded, and a line that is not valid grants nothing.
type keyring struct {
	path string
	dir  *credit.Directory

	mu    sync.RWMutex
	keys  map[string]officerKey // by the key's wire form
	stamp os.FileInfo
	fail  string // why the file cannot be used, since it last could
}

// load reads the file. It refuses a file (or a directory above it) that
// others may write, as sshd's StrictModes does, since whoever can write it
// can let themselves in.
func (k *keyring) load() (n int, problems []string, err error) {
	fi, err := os.Stat(k.path)
	if err != nil {
		return 0, nil, fmt.Errorf("authorised keys %s: %w (create it: docs/serve.md)", k.path, err)
	}
	if err := checkSafePath(k.path); err != nil {
		return 0, nil, fmt.Errorf("authorised keys: %w", err)
	}
	data, err := os.ReadFile(k.path)
	if err != nil {
		return 0, nil, fmt.Errorf("read authorised keys: %w", err)
	}
	keys, problems := parseAuthorizedKeys(data, k.dir)
	m := make(map[string]officerKey, len(keys))
	for _, e := range keys {
		m[string(e.Key.Marshal())] = e
	}
	k.mu.Lock()
	k.keys, k.stamp, k.fail = m, fi, ""
	k.mu.Unlock()
	return len(m), problems, nil
}

// changed reports whether the file differs from what was last loaded (its
// contents, mode, owner or inode), or an error if it cannot be seen.
func (k *keyring) changed() (bool, error) {
	fi, err := os.Stat(k.path)
	if err != nil {
		return false, err
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.stamp == nil || k.fail != "" {
		return true, nil
	}
	return !os.SameFile(fi, k.stamp) || !fi.ModTime().Equal(k.stamp.ModTime()) || fi.Size() != k.stamp.Size() ||
		fi.Mode() != k.stamp.Mode() || fileOwner(fi) != fileOwner(k.stamp) || checkSafePath(k.path) != nil, nil
}

// setFailure records why the file cannot be used; with drop, no key is in
// force until it loads again.
func (k *keyring) setFailure(why string, drop bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.fail = why
	if drop {
		k.keys = nil
	}
}

// failure is why the file cannot be used, or "".
func (k *keyring) failure() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.fail
}

// lookup returns the entry for pub, if it is authorised.
func (k *keyring) lookup(pub gossh.PublicKey) (officerKey, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	e, ok := k.keys[string(pub.Marshal())]
	return e, ok
}
