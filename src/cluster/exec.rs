//! Runtime checks: a command run in the Pod's container through the exec API.

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::api::{Api, AttachParams};
use tokio::io::AsyncReadExt;

use super::{Check, CheckOutcome, Error};

/// Runs one check in `pod` and captures its output and exit code.
pub(crate) async fn run_check(
    pods: &Api<Pod>,
    pod: &str,
    default_container: &str,
    check: &Check,
    max_output: usize,
) -> Result<CheckOutcome, Error> {
    let container = check
        .container
        .clone()
        .unwrap_or_else(|| default_container.to_string());
    let command_line = check.command.join(" ");
    let fail = |message: String| Error::Exec {
        command: command_line.clone(),
        pod: pod.to_string(),
        message,
    };
    if check.command.is_empty() {
        return Err(fail("the check has no command".into()));
    }
    let params = AttachParams::default()
        .container(container.clone())
        .stdin(false)
        .stdout(true)
        .stderr(true);
    let mut process = pods
        .exec(pod, check.command.clone(), &params)
        .await
        .map_err(|err| match err {
            kube::Error::Api(status)
                if status.code == 403 && super::run::is_rbac_denial(&status.message) =>
            {
                Error::Forbidden {
                    verb: "create",
                    resource: "pods/exec".into(),
                    group: String::new(),
                    namespace: pods_namespace(pods),
                    message: status.message,
                }
            }
            other => fail(super::retry::short_error(&other)),
        })?;
    let status = process.take_status();
    let stdout = read_limited(process.stdout(), max_output);
    let stderr = read_limited(process.stderr(), max_output);
    let (stdout, stderr) = tokio::join!(stdout, stderr);
    let status = match status {
        Some(status) => status.await,
        None => None,
    };
    process.join().await.map_err(|err| fail(err.to_string()))?;
    let exit_code = status.as_ref().map(exit_code_of);
    let passed = exit_code == Some(check.expect_exit_code)
        && check
            .stdout_contains
            .as_ref()
            .is_none_or(|text| stdout.contains(text.as_str()));
    Ok(CheckOutcome {
        command: check.command.clone(),
        container,
        exit_code,
        stdout,
        stderr,
        passed,
    })
}

fn pods_namespace(pods: &Api<Pod>) -> Option<String> {
    // The Api's URL is `/api/v1/namespaces/<ns>/pods`.
    let url = pods.resource_url();
    let rest = url.strip_prefix("/api/v1/namespaces/")?;
    rest.split('/').next().map(str::to_string)
}

async fn read_limited(reader: Option<impl tokio::io::AsyncRead + Unpin>, max: usize) -> String {
    let Some(mut reader) = reader else {
        return String::new();
    };
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    // Keep reading past the limit so the process is not blocked on a full pipe.
    while let Ok(n) = reader.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        let room = max.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..n.min(room)]);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The exit code in an exec status: 0 on `Success`, else the `ExitCode` cause, else 1.
pub(crate) fn exit_code_of(status: &Status) -> i32 {
    if status.status.as_deref() == Some("Success") {
        return 0;
    }
    status
        .details
        .as_ref()
        .and_then(|d| d.causes.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.reason.as_deref() == Some("ExitCode"))
        .and_then(|c| c.message.as_deref()?.parse().ok())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_code_comes_from_the_exit_code_cause() {
        let ok: Status =
            serde_json::from_value(serde_json::json!({"status": "Success"})).unwrap_or_default();
        assert_eq!(exit_code_of(&ok), 0);
        let failed: Status = serde_json::from_value(serde_json::json!({
            "status": "Failure", "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}
        }))
        .unwrap_or_default();
        assert_eq!(exit_code_of(&failed), 3);
        let odd: Status =
            serde_json::from_value(serde_json::json!({"status": "Failure"})).unwrap_or_default();
        assert_eq!(exit_code_of(&odd), 1);
    }
}
