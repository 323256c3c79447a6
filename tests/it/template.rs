//! Templating mode through the `jjo` binary: bad templates are bad input (exit 2) with the
//! file, line and column and Go's own words; the migration pair gives one Pod.

use std::path::{Path, PathBuf};

use serde_json::Value;

const TEMPLATES_CASE: &str = "cases/migration-templates";

/// A copy of the templating migration case in a temporary directory, with `job.tpl` (or any
/// file) replaced.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn with(files: &[(&str, &str)]) -> Case {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATES_CASE);
        for rel in [
            "launcher.kubernetes.profiles.conf",
            "launcher.kubernetes.conf",
            "templates/job.tpl",
            "templates/rstudio-library-templates-data.tpl",
        ] {
            let to = dir.path().join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(rel), &to).unwrap();
        }
        crate::support::write_tree(dir.path(), files);
        Case { dir }
    }

    /// `job.tpl` with a line replaced: `(old, new)`.
    fn job_edit(old: &str, new: &str) -> Case {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATES_CASE);
        let text = std::fs::read_to_string(root.join("templates/job.tpl")).unwrap();
        assert!(text.contains(old), "job.tpl has no {old:?}");
        Case::with(&[("templates/job.tpl", &text.replacen(old, new, 1))])
    }

    fn render(&self) -> (i32, String) {
        let out = crate::support::jjo(&["render"])
            .arg(self.dir.path())
            .arg("--color=never")
            .output()
            .expect("run jjo");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains("panicked"), "jjo panicked:\n{text}");
        (out.status.code().unwrap_or(-1), text)
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1
}

fn assert_bad(case: &Case, fragments: &[&str]) {
    let (code, text) = case.render();
    assert_eq!(code, 2, "expected exit 2:\n{text}");
    for f in fragments {
        assert!(text.contains(f), "output lacks {f:?}:\n{text}");
    }
}

#[test]
fn the_migration_pair_gives_one_job_and_one_pod() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let read = |case: &str, file: &str| -> Value {
        let path: PathBuf = root.join(case).join(file);
        let text = std::fs::read_to_string(&path).expect("golden");
        serde_yaml_ng::from_str(&text).expect("yaml")
    };
    for file in ["expected-job.yaml", "expected-pod.yaml"] {
        assert_eq!(
            read("migration-overrides", file),
            read("migration-templates", file),
            "{file} differs between the two sides of the migration"
        );
    }
}

#[test]
fn an_unclosed_action_names_the_file_and_line() {
    // At the end of the file: inside the file an action runs on into the next `{{` (Go allows
    // newlines in actions), which Go reports as that character instead.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATES_CASE);
    let text = std::fs::read_to_string(root.join("templates/job.tpl")).unwrap();
    let lines = text.lines().count();
    let case = Case::with(&[("templates/job.tpl", &format!("{text}{{{{ .Job.user\n"))]);
    assert_bad(
        &case,
        &[&format!(
            "job.tpl:{}: unclosed action started at job.tpl:{}",
            lines + 2,
            lines + 1
        )],
    );
}

#[test]
fn an_unknown_function_names_the_line_and_suggests_one() {
    let case = Case::job_edit("{{ toYaml .Job.user }}", "{{ toYml .Job.user }}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATES_CASE);
    let text = std::fs::read_to_string(root.join("templates/job.tpl")).unwrap();
    let line = line_of(&text, "{{ toYaml .Job.user }}");
    assert_bad(
        &case,
        &[
            &format!("job.tpl:{line}: function \"toYml\" not defined"),
            "did you mean `toYaml`?",
        ],
    );
}

#[test]
fn a_missing_key_printed_is_an_error_with_a_suggestion() {
    let case = Case::job_edit("{{ toYaml .Job.user }}", "{{ .Job.usr }}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATES_CASE);
    let text = std::fs::read_to_string(root.join("templates/job.tpl")).unwrap();
    let line = line_of(&text, "{{ toYaml .Job.user }}");
    assert_bad(
        &case,
        &[
            &format!("job.tpl:{line}:"),
            "`{{ .Job.usr }}` printed `<no value>`",
            "did you mean `.Job.user`?",
        ],
    );
}

#[test]
fn a_field_of_a_missing_map_is_go_s_nil_pointer_error() {
    let case = Case::job_edit("{{ toYaml .Job.user }}", "{{ .Job.container.image.tag }}");
    assert_bad(
        &case,
        &[
            "executing \"job.tpl\" at <.Job.container.image.tag>: can't evaluate field tag in type interface {}",
        ],
    );
}

#[test]
fn a_missing_or_unknown_version_header_lists_the_known_versions() {
    let case = Case::job_edit("# Version: 2.5.0\n", "");
    assert_bad(
        &case,
        &[
            "job.tpl:1: `job.tpl` has no `# Version:` header",
            "jjo knows job.tpl versions 2.x",
        ],
    );
    let case = Case::job_edit("# Version: 2.5.0", "# Version: 3.0.0");
    assert_bad(
        &case,
        &[
            "job.tpl:1:3: `job.tpl` version `3.0.0` is not one jjo models",
            "2.x (2.3.1, 2.4.0, 2.5.0)",
        ],
    );
}

#[test]
fn invalid_yaml_out_shows_the_output_line() {
    let case = Case::job_edit("      restartPolicy: Never", "     restartPolicy: Never");
    assert_bad(
        &case,
        &[
            "`job.tpl` rendered invalid YAML: mapping values are not allowed in this context",
            "of the output: `shareProcessNamespace: false`",
        ],
    );
}

#[test]
fn overrides_with_use_templating_are_an_error_on_the_case() {
    let case = Case::with(&[(
        "launcher.kubernetes.profiles.conf",
        "[*]\njob-json-overrides=\"/spec/template/spec/hostNetwork\":\"/etc/rstudio/job-json-overrides/x\"\n",
    )]);
    assert_bad(
        &case,
        &[
            "launcher.kubernetes.profiles.conf:2",
            "with use-templating=1 the launcher renders job.tpl; Posit's chart refuses job-json-overrides in this mode and Connect ignores them",
        ],
    );
}

#[test]
fn a_template_error_while_running_points_at_the_action() {
    let case = Case::job_edit(
        "{{- $values := include \"rstudio-library.templates.data\" nil | mustFromJson }}",
        "{{- $values := include \"rstudio-library.templates.data\" nil | mustFromJson }}{{ $_ := set .Job.nothing \"a\" 1 }}",
    );
    assert_bad(
        &case,
        &[
            "job.tpl:4:",
            "error calling set: assignment to entry in nil map",
        ],
    );
}

#[test]
fn jjo_diff_takes_a_templating_configuration_and_sees_no_change_in_the_migration() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let out = crate::support::jjo(&["diff"])
        .arg(root.join("migration-overrides"))
        .arg(root.join("migration-templates"))
        .arg("--color=never")
        .output()
        .expect("run jjo");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("0 principals changed, 1 unchanged: [*]"),
        "{text}"
    );
}

#[test]
fn a_missing_key_inside_an_include_never_printed_is_no_error() {
    // Go renders `<no value>` into the include's text; the text is kept in a variable and
    // only its length used, so nothing of it reaches the Job.
    let case = Case::job_edit(
        "{{ toYaml .Job.user }}",
        "{{ $probe := include \"probe\" . }}{{ if gt (len $probe) 100 }}x{{ end }}{{ toYaml .Job.user }}\n{{- define \"probe\" }}{{ .Job.usr }}{{ end }}",
    );
    let (code, text) = case.render();
    assert_eq!(code, 0, "expected the Job:\n{text}");
    assert!(!text.contains("<no value>"), "{text}");
}

#[test]
fn a_missing_key_inside_an_include_that_is_printed_is_refused() {
    let case = Case::job_edit(
        "{{ toYaml .Job.user }}",
        "{{ include \"probe\" . }}\n{{- define \"probe\" }}{{ .Job.usr }}{{ end }}",
    );
    assert_bad(
        &case,
        &[
            "`{{ .Job.usr }}` printed `<no value>`: a key that is not there",
            "did you mean `.Job.user`?",
        ],
    );
}

#[test]
fn a_null_value_printed_is_named_null_not_missing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATES_CASE);
    let job = std::fs::read_to_string(root.join("templates/job.tpl")).unwrap();
    let job = job.replacen("{{ toYaml .Job.user }}", "{{ $values.team }}", 1);
    let data = std::fs::read_to_string(root.join("templates/rstudio-library-templates-data.tpl"))
        .unwrap()
        .replacen("\"job\":", "\"team\": null, \"job\":", 1);
    let case = Case::with(&[
        ("templates/job.tpl", &job),
        ("templates/rstudio-library-templates-data.tpl", &data),
    ]);
    assert_bad(
        &case,
        &[
            "`{{ $values.team }}` printed `<no value>`: the value there is null",
            "give the key a value",
        ],
    );
    let (_, text) = case.render();
    assert!(!text.contains("a key that is not there"), "{text}");
}
