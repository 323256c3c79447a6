// Command gotmpl renders Go text/template files with the functions the Posit
// Job Launcher gives job.tpl: Sprig v3's TxtFuncMap plus `include` and
// `toYaml`, the two non-Sprig helpers Posit's own templates call (rstudio/helm
// charts/*/files/job.tpl, examples/launcher-templates/). Sprig's own toJson,
// fromJson and mustFromJson are left as Sprig defines them. It is jjo's
// reference for the differential tests: the Rust engine in src/template must
// produce byte-identical output or the same error text.
//
// Usage:
//
//	gotmpl [-missingkey default|zero|error] DATA.json ENTRY FILE.tpl...
//	    renders template ENTRY (a file's base name or a defined name) with the
//	    JSON in DATA.json as dot; prints the output, or the error on stderr
//	    (exit 1).
//	gotmpl -batch
//	    reads one JSON request a line from stdin
//	    ({"files":[[name,text],...],"entry":..,"data":..,"missingkey":..})
//	    and writes one JSON answer a line ({"out":..} or {"err":..}), so a
//	    generated differential pays for one process, not one per case.
//	gotmpl -bench N DATA.json ENTRY FILE.tpl...
//	    parses once, renders N times, prints the mean nanoseconds per render.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

func main() {
	missing := flag.String("missingkey", "default", "text/template missingkey option")
	batch := flag.Bool("batch", false, "render JSON requests from stdin, one a line")
	bench := flag.Int("bench", 0, "render this many times and print ns per render")
	flag.Parse()
	if *batch {
		runBatch()
		return
	}
	args := flag.Args()
	if len(args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gotmpl [-missingkey M] [-bench N] DATA.json ENTRY FILE.tpl...")
		os.Exit(2)
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var files [][2]string
	for _, f := range args[2:] {
		src, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		files = append(files, [2]string{filepath.Base(f), string(src)})
	}
	if *bench > 0 {
		runBench(*bench, *missing, raw, args[1], files)
		return
	}
	var data interface{}
	if err := json.Unmarshal(raw, &data); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	root, err := parse(*missing, files)
	if err == nil {
		var out string
		out, err = execute(root, args[1], data)
		if err == nil {
			os.Stdout.WriteString(out)
			return
		}
	}
	fmt.Fprint(os.Stderr, err.Error())
	os.Exit(1)
}

// parse builds one template set from the files, in the order given.
func parse(missing string, files [][2]string) (*template.Template, error) {
	root := template.New("").Option("missingkey=" + missing)
	funcs := sprig.TxtFuncMap()
	// Not Sprig: Helm's toYaml (helm.sh/helm/v3 pkg/engine/funcs.go), which
	// Posit's job.tpl calls: sigs.k8s.io/yaml, the final newline trimmed.
	funcs["toYaml"] = func(v interface{}) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	funcs["include"] = func(name string, dot interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, dot)
		return buf.String(), err
	}
	root.Funcs(funcs)
	for _, f := range files {
		if _, err := root.New(f[0]).Parse(f[1]); err != nil {
			return nil, err
		}
	}
	return root, nil
}

func execute(root *template.Template, entry string, data interface{}) (string, error) {
	var buf bytes.Buffer
	err := root.ExecuteTemplate(&buf, entry, data)
	return buf.String(), err
}

type request struct {
	Files      [][2]string     `json:"files"`
	Entry      string          `json:"entry"`
	Data       json.RawMessage `json:"data"`
	MissingKey string          `json:"missingkey"`
}

type answer struct {
	Out *string `json:"out,omitempty"`
	Err *string `json:"err,omitempty"`
}

func runBatch() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		var ans answer
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintln(os.Stderr, "bad request:", err)
			os.Exit(2)
		}
		s, err := renderOne(req)
		if err != nil {
			e := err.Error()
			ans.Err = &e
		} else {
			ans.Out = &s
		}
		if err := enc.Encode(ans); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		out.Flush()
	}
}

// renderOne renders one batch request; a panic inside Sprig (some functions
// panic on bad input) is an answer too, as the launcher's would be an error.
func renderOne(req request) (s string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("PANIC: %v", r)
		}
	}()
	missing := req.MissingKey
	if missing == "" {
		missing = "default"
	}
	var data interface{}
	if len(req.Data) > 0 {
		if err := json.Unmarshal(req.Data, &data); err != nil {
			return "", err
		}
	}
	root, err := parse(missing, req.Files)
	if err != nil {
		return "", err
	}
	return execute(root, req.Entry, data)
}

func runBench(n int, missing string, raw []byte, entry string, files [][2]string) {
	root, err := parse(missing, files)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		// Decoding is part of a render, as jjo's Value::from_json is.
		var data interface{}
		if err := json.Unmarshal(raw, &data); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if _, err := execute(root, entry, data); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Println(time.Since(start).Nanoseconds() / int64(n))
}
