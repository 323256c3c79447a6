// Command gotmpl renders a set of Go text/template files with Sprig and the
// Helm-style helpers the Posit launcher adds (include, toYaml, toJson,
// fromJson, mustFromJson). It is jjo's reference for the differential tests:
// the Rust engine in src/template must produce byte-identical output.
//
// Usage: gotmpl [-missingkey default|zero|error] DATA.json ENTRY FILE.tpl...
// Renders template ENTRY (a file's base name or a defined name) with the JSON
// in DATA.json as dot; prints the output, or the error on stderr (exit 1).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

func main() {
	missing := flag.String("missingkey", "default", "text/template missingkey option")
	flag.Parse()
	args := flag.Args()
	if len(args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: gotmpl [-missingkey M] DATA.json ENTRY FILE.tpl...")
		os.Exit(2)
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var data interface{}
	if err := json.Unmarshal(raw, &data); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out, err := render(*missing, data, args[1], args[2:])
	if err != nil {
		fmt.Fprint(os.Stderr, err.Error())
		os.Exit(1)
	}
	os.Stdout.WriteString(out)
}

func render(missing string, data interface{}, entry string, files []string) (string, error) {
	root := template.New("").Option("missingkey=" + missing)
	funcs := sprig.TxtFuncMap()
	// Helm's helpers (helm.sh/helm/v3 pkg/engine/funcs.go), written here from
	// their documented behaviour.
	funcs["toYaml"] = func(v interface{}) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	funcs["toJson"] = func(v interface{}) string {
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	funcs["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["mustFromJson"] = func(s string) (map[string]interface{}, error) {
		m := map[string]interface{}{}
		err := json.Unmarshal([]byte(s), &m)
		return m, err
	}
	funcs["include"] = func(name string, dot interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, dot)
		return buf.String(), err
	}
	root.Funcs(funcs)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		if _, err := root.New(filepath.Base(f)).Parse(string(src)); err != nil {
			return "", err
		}
	}
	var buf bytes.Buffer
	err := root.ExecuteTemplate(&buf, entry, data)
	return buf.String(), err
}
