// Command ledger-check verifies the artefacts of the invoicer-ledger crate
// with Go's golang.org/x/mod/sumdb/{note,tlog}, an implementation written
// independently of ours, and emits notes signed by Go for the crate to open.
//
// Usage: ledger-check VECTORS.json GO-NOTES-OUT.json
//
// It exits non-zero and lists every disagreement if there is any.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type vectors struct {
	Origin       string
	Vkey         string
	Skey         string
	Entries      []string
	StoredHashes []tlog.Hash `json:"stored_hashes"`
	Checkpoints  []struct {
		Size int64
		Root tlog.Hash
		Note string
	}
	Inclusion []struct {
		Index int64
		Size  int64
		Proof []tlog.Hash
	}
	Consistency []struct {
		Old   int64
		New   int64
		Proof []tlog.Hash
	}
	Tiles []struct {
		TreeSize int64 `json:"tree_size"`
		Path     string
		Data     string
	}
}

var (
	failures []string
	checks   = map[string]int{}
)

func fail(format string, args ...interface{}) {
	failures = append(failures, fmt.Sprintf(format, args...))
}

func ok(kind string) { checks[kind]++ }

// storedReader serves the crate's stored hashes to tlog.
type storedReader []tlog.Hash

func (s storedReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(s)) {
			return nil, fmt.Errorf("stored hash %d not present", x)
		}
		out[i] = s[x]
	}
	return out, nil
}

// tileReader serves the crate's tiles, keyed by tlog's path form.
type tileReader map[string][]byte

func (tileReader) Height() int { return 8 }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, found := r[t.Path()]
		if !found {
			return nil, fmt.Errorf("tile %s not published", t.Path())
		}
		out[i] = data
	}
	return out, nil
}

func (tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// goTilePath turns a C2SP path (tile/L/N) into tlog's (tile/H/L/N).
func goTilePath(c2sp string) string {
	return "tile/8/" + strings.TrimPrefix(c2sp, "tile/")
}

func flip(proof []tlog.Hash, i int) []tlog.Hash {
	bad := append([]tlog.Hash(nil), proof...)
	bad[i][i%tlog.HashSize] ^= 0x10
	return bad
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ledger-check VECTORS.json GO-NOTES-OUT.json")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var v vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		fmt.Fprintln(os.Stderr, "parsing vectors:", err)
		os.Exit(2)
	}

	verifier, err := note.NewVerifier(v.Vkey)
	if err != nil {
		fail("note.NewVerifier(%q): %v", v.Vkey, err)
	}
	signer, err := note.NewSigner(v.Skey)
	if err != nil {
		fail("note.NewSigner(private key): %v", err)
	}
	if verifier == nil || signer == nil {
		report()
	}
	if signer.Name() != verifier.Name() || signer.KeyHash() != verifier.KeyHash() {
		fail("private and verifier key disagree on name or key id")
	} else {
		ok("key strings")
	}
	known := note.VerifierList(verifier)
	stored := storedReader(v.StoredHashes)

	// Stored hashes: for every append, tlog computes the same new hashes.
	entries := make([][]byte, len(v.Entries))
	for n, e := range v.Entries {
		entries[n], err = base64.StdEncoding.DecodeString(e)
		if err != nil {
			fail("entry %d: %v", n, err)
			continue
		}
		want, err := tlog.StoredHashes(int64(n), entries[n], stored)
		if err != nil {
			fail("tlog.StoredHashes(%d): %v", n, err)
			continue
		}
		at := tlog.StoredHashIndex(0, int64(n))
		if !reflect.DeepEqual(want, []tlog.Hash(stored[at:at+int64(len(want))])) {
			fail("stored hashes for leaf %d differ from tlog's", n)
			continue
		}
		ok("stored hashes")
	}
	if got, want := int64(len(stored)), tlog.StoredHashCount(int64(len(entries))); got != want {
		fail("stored hash count %d, tlog expects %d", got, want)
	}

	// Checkpoints: open, parse, recompute, re-sign with Go, tamper.
	roots := map[int64]tlog.Hash{}
	other, _, _ := generate("someone.else.example/log")
	for _, cp := range v.Checkpoints {
		n, err := note.Open([]byte(cp.Note), known)
		if err != nil {
			fail("note.Open(checkpoint %d): %v", cp.Size, err)
			continue
		}
		lines := strings.Split(n.Text, "\n")
		if len(lines) < 4 || lines[0] != v.Origin || lines[1] != strconv.FormatInt(cp.Size, 10) || lines[2] != cp.Root.String() {
			fail("checkpoint %d text is %q", cp.Size, n.Text)
			continue
		}
		th, err := tlog.TreeHash(cp.Size, stored)
		if err != nil || th != cp.Root {
			fail("tlog.TreeHash(%d) = %v, %v; checkpoint says %v", cp.Size, th, err, cp.Root)
			continue
		}
		roots[cp.Size] = cp.Root
		again, err := note.Sign(&note.Note{Text: n.Text}, signer)
		if err != nil || !bytes.Equal(again, []byte(cp.Note)) {
			fail("Go signs checkpoint %d as %q, the crate as %q", cp.Size, again, cp.Note)
			continue
		}
		ok("checkpoints")

		tampered := map[string]string{
			"size":      strings.Replace(cp.Note, "\n"+lines[1]+"\n", "\n"+strconv.FormatInt(cp.Size+1, 10)+"\n", 1),
			"root":      strings.Replace(cp.Note, lines[2], tlog.RecordHash([]byte("x")).String(), 1),
			"signature": flipSignature(cp.Note),
			"no-nl":     strings.TrimSuffix(cp.Note, "\n"),
		}
		for what, bad := range tampered {
			if _, err := note.Open([]byte(bad), known); err == nil {
				fail("note with tampered %s verified: %q", what, bad)
			} else {
				ok("tampered notes rejected")
			}
		}
		var unverified *note.UnverifiedNoteError
		if _, err := note.Open([]byte(cp.Note), note.VerifierList(other)); !errors.As(err, &unverified) {
			fail("checkpoint %d opened with an unrelated key: %v", cp.Size, err)
		} else {
			ok("tampered notes rejected")
		}
	}

	// Inclusion proofs.
	for _, p := range v.Inclusion {
		root, found := roots[p.Size]
		if !found || p.Index >= int64(len(entries)) {
			fail("inclusion proof for unknown size %d or index %d", p.Size, p.Index)
			continue
		}
		leaf := tlog.RecordHash(entries[p.Index])
		if err := tlog.CheckRecord(p.Proof, p.Size, root, p.Index, leaf); err != nil {
			fail("tlog.CheckRecord(leaf %d, size %d): %v", p.Index, p.Size, err)
			continue
		}
		want, err := tlog.ProveRecord(p.Size, p.Index, stored)
		if err != nil || !reflect.DeepEqual([]tlog.Hash(want), p.Proof) {
			fail("tlog.ProveRecord(%d, %d) differs from the crate's proof", p.Size, p.Index)
			continue
		}
		ok("inclusion proofs")
		for i := range p.Proof {
			if tlog.CheckRecord(flip(p.Proof, i), p.Size, root, p.Index, leaf) == nil {
				fail("inclusion proof (%d, %d) with hash %d flipped verified", p.Index, p.Size, i)
			} else {
				ok("tampered proofs rejected")
			}
		}
		if p.Index+1 < p.Size {
			if tlog.CheckRecord(p.Proof, p.Size, root, p.Index+1, leaf) == nil {
				fail("inclusion proof (%d, %d) verified for the wrong index", p.Index, p.Size)
			} else {
				ok("tampered proofs rejected")
			}
		}
	}

	// Consistency proofs.
	for _, p := range v.Consistency {
		oldRoot, found1 := roots[p.Old]
		newRoot, found2 := roots[p.New]
		if !found1 || !found2 {
			fail("consistency proof between unknown sizes %d and %d", p.Old, p.New)
			continue
		}
		if err := tlog.CheckTree(p.Proof, p.New, newRoot, p.Old, oldRoot); err != nil {
			fail("tlog.CheckTree(%d -> %d): %v", p.Old, p.New, err)
			continue
		}
		want, err := tlog.ProveTree(p.New, p.Old, stored)
		if err != nil || !reflect.DeepEqual([]tlog.Hash(want), p.Proof) {
			fail("tlog.ProveTree(%d, %d) differs from the crate's proof", p.New, p.Old)
			continue
		}
		ok("consistency proofs")
		for i := range p.Proof {
			if tlog.CheckTree(flip(p.Proof, i), p.New, newRoot, p.Old, oldRoot) == nil {
				fail("consistency proof %d -> %d with hash %d flipped verified", p.Old, p.New, i)
			} else {
				ok("tampered proofs rejected")
			}
		}
	}

	// Tiles: same paths and data as tlog, and a tlog client that reads only
	// tiles reaches the checkpoint roots and the same proofs.
	published := map[int64]tileReader{}
	paths := map[int64][]string{}
	for _, t := range v.Tiles {
		goPath := goTilePath(t.Path)
		tile, err := tlog.ParseTilePath(goPath)
		if err != nil || tile.Path() != goPath {
			fail("tile path %q: tlog parses it as %v, %v", t.Path, tile, err)
			continue
		}
		data, err := base64.StdEncoding.DecodeString(t.Data)
		if err != nil {
			fail("tile %s data: %v", t.Path, err)
			continue
		}
		want, err := tlog.ReadTileData(tile, stored)
		if err != nil || !bytes.Equal(want, data) {
			fail("tile %s data differs from tlog.ReadTileData", t.Path)
			continue
		}
		if published[t.TreeSize] == nil {
			published[t.TreeSize] = tileReader{}
		}
		published[t.TreeSize][goPath] = data
		paths[t.TreeSize] = append(paths[t.TreeSize], goPath)
		ok("tiles")
	}
	for size, tiles := range published {
		// Older x/mod releases (Debian ships v0.7.0) list every intermediate
		// width of a partial tile; only the widest one exists for a tree of
		// this size, so compare against that.
		var want []string
		for _, t := range tlog.NewTiles(8, 0, size) {
			if n := len(want); n > 0 && t.W > 1 {
				if prev, err := tlog.ParseTilePath(want[n-1]); err == nil && prev.L == t.L && prev.N == t.N {
					want = want[:n-1]
				}
			}
			want = append(want, t.Path())
		}
		if !reflect.DeepEqual(want, paths[size]) {
			fail("tiles of tree %d: crate lists %d tiles, tlog %d (crate %v)", size, len(paths[size]), len(want), paths[size])
			continue
		}
		tree := tlog.Tree{N: size, Hash: roots[size]}
		fromTiles := tlog.TileHashReader(tree, tiles)
		th, err := tlog.TreeHash(size, fromTiles)
		if err != nil || th != roots[size] {
			fail("tree hash of %d from tiles: %v, %v", size, th, err)
			continue
		}
		ok("tree hashes from tiles")
		for _, p := range v.Inclusion {
			if p.Size != size {
				continue
			}
			proof, err := tlog.ProveRecord(size, p.Index, fromTiles)
			if err != nil || !reflect.DeepEqual([]tlog.Hash(proof), p.Proof) {
				fail("proof of %d in %d from tiles: %v", p.Index, size, err)
			} else {
				ok("proofs from tiles")
			}
		}
		corrupt := tileReader{}
		for path, data := range tiles {
			bad := append([]byte(nil), data...)
			bad[len(bad)-1] ^= 1
			corrupt[path] = bad
		}
		if _, err := tlog.TreeHash(size, tlog.TileHashReader(tree, corrupt)); err == nil {
			fail("corrupted tiles of tree %d were accepted", size)
		} else {
			ok("tampered tiles rejected")
		}
	}

	writeGoNotes(os.Args[2], v)
	report()
}

// flipSignature changes one base64 digit inside the signature, past the key id.
func flipSignature(n string) string {
	at := strings.LastIndex(n, " ") + 20
	b := []byte(n)
	if b[at] == 'A' {
		b[at] = 'B'
	} else {
		b[at] = 'A'
	}
	return string(b)
}

func generate(name string) (note.Verifier, note.Signer, string) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		panic(err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		panic(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		panic(err)
	}
	return verifier, signer, vkey
}

// writeGoNotes signs every checkpoint text with a fresh Go key, for the crate
// to open in the other direction.
func writeGoNotes(path string, v vectors) {
	_, signer, vkey := generate("go.example/witness")
	var notes []string
	for _, cp := range v.Checkpoints {
		text := fmt.Sprintf("%s\n%d\n%s\n", v.Origin, cp.Size, cp.Root)
		msg, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			fail("note.Sign: %v", err)
			return
		}
		notes = append(notes, string(msg))
	}
	out, _ := json.Marshal(map[string]interface{}{"vkey": vkey, "notes": notes})
	if err := os.WriteFile(path, out, 0o644); err != nil {
		fail("writing %s: %v", path, err)
	}
}

func report() {
	if len(failures) > 0 {
		for _, f := range failures {
			fmt.Println("DISAGREE:", f)
		}
		fmt.Printf("go x/mod/sumdb: %d disagreements\n", len(failures))
		os.Exit(1)
	}
	kinds := []string{
		"key strings", "stored hashes", "checkpoints", "tampered notes rejected",
		"inclusion proofs", "consistency proofs", "tampered proofs rejected",
		"tiles", "tree hashes from tiles", "proofs from tiles", "tampered tiles rejected",
	}
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", checks[k], k))
	}
	fmt.Println("go x/mod/sumdb agrees: " + strings.Join(parts, ", "))
}
