//! Retries with exponential backoff for the API calls a client should retry, and the mapping
//! of kube errors into [`Error`] with the verb and resource that failed.

use std::future::Future;
use std::time::Duration;

use super::Error;

/// How often and how patiently an API call is retried on 429, 5xx and dropped connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in total, the first included.
    pub attempts: u32,
    /// Delay before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 6,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0 for the first retry).
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// One API operation, named for error messages and RBAC hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// The RBAC verb: `create`, `get`, `list`, `watch`, `delete`.
    pub verb: &'static str,
    /// The RBAC resource: `namespaces`, `jobs`, `pods`, `pods/exec`, `events`, ….
    pub resource: String,
    /// The API group (`""` for core, `batch` for Jobs).
    pub group: String,
    /// The namespace the call is in; `None` for cluster-scoped calls.
    pub namespace: Option<String>,
}

impl Op {
    /// An operation on a resource of the given group in an optional namespace.
    pub fn new(verb: &'static str, group: &str, resource: &str, namespace: Option<&str>) -> Op {
        Op {
            verb,
            resource: resource.to_string(),
            group: group.to_string(),
            namespace: namespace.map(str::to_string),
        }
    }

    /// `verb resource [in namespace ns]`, for messages.
    pub fn describe(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("`{}` `{}` in namespace `{ns}`", self.verb, self.resource),
            None => format!("`{}` `{}`", self.verb, self.resource),
        }
    }
}

/// Whether a kube error is one a client should retry: throttling, server errors, and
/// connections that broke before an answer.
pub fn is_retryable(err: &kube::Error) -> bool {
    match err {
        kube::Error::Api(status) => matches!(status.code, 429 | 500 | 502 | 503 | 504),
        kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::ReadEvents(_) => true,
        _ => false,
    }
}

/// The HTTP status code of an API error, if it is one.
pub fn status_code(err: &kube::Error) -> Option<u16> {
    match err {
        kube::Error::Api(status) => Some(status.code),
        _ => None,
    }
}

/// Turns a kube error into an [`Error`] naming the operation; an RBAC 403 becomes
/// [`Error::Forbidden`] with the rule that is missing (a quota's or webhook's 403 stays an
/// API error with the server's message: no rule would help).
pub fn classify(op: &Op, err: kube::Error) -> Error {
    match err {
        kube::Error::Api(status)
            if status.code == 403 && super::run::is_rbac_denial(&status.message) =>
        {
            Error::Forbidden {
                verb: op.verb,
                resource: op.resource.clone(),
                group: op.group.clone(),
                namespace: op.namespace.clone(),
                message: status.message.clone(),
            }
        }
        kube::Error::Api(status) => Error::Api {
            operation: op.describe(),
            code: status.code,
            reason: status.reason.clone(),
            message: status.message.clone(),
        },
        other => Error::Transport {
            operation: op.describe(),
            message: other.to_string(),
        },
    }
}

/// Runs `call` until it succeeds, fails with an error that is not worth retrying, or the
/// policy's attempts are used up; the delay doubles between tries.
pub async fn with_retry<T, F, Fut>(policy: &RetryPolicy, op: &Op, mut call: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    let attempts = policy.attempts.max(1);
    let mut tried = 0;
    loop {
        tried += 1;
        match call().await {
            Ok(value) => return Ok(value),
            Err(err) if is_retryable(&err) => {
                if tried >= attempts {
                    return Err(Error::Unavailable {
                        operation: op.describe(),
                        attempts: tried,
                        last: short_error(&err),
                    });
                }
                tokio::time::sleep(policy.delay(tried - 1)).await;
            }
            Err(err) => return Err(classify(op, err)),
        }
    }
}

/// A one-line description of a kube error for messages.
pub fn short_error(err: &kube::Error) -> String {
    match err {
        kube::Error::Api(status) => {
            format!("{} {}: {}", status.code, status.reason, status.message)
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(code: u16) -> kube::Error {
        let status = kube::core::Status::failure("boom", "Reason").with_code(code);
        kube::Error::Api(status.boxed())
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
        };
        assert_eq!(policy.delay(0), Duration::from_millis(100));
        assert_eq!(policy.delay(1), Duration::from_millis(200));
        assert_eq!(policy.delay(2), Duration::from_millis(350));
        assert_eq!(policy.delay(40), Duration::from_millis(350));
    }

    #[test]
    fn throttling_and_server_errors_are_retried_but_client_errors_are_not() {
        for code in [429, 500, 502, 503, 504] {
            assert!(is_retryable(&api_error(code)), "{code}");
        }
        for code in [400, 403, 404, 409, 422] {
            assert!(!is_retryable(&api_error(code)), "{code}");
        }
    }

    fn api_message(code: u16, message: &str) -> kube::Error {
        let status = kube::core::Status::failure(message, "Forbidden").with_code(code);
        kube::Error::Api(status.boxed())
    }

    #[test]
    fn forbidden_names_verb_resource_and_namespace() {
        let op = Op::new("create", "batch", "jobs", Some("team-a"));
        let rbac = "jobs.batch is forbidden: User \"system:serviceaccount:ci:jjo\" cannot create resource \"jobs\" in API group \"batch\" in the namespace \"team-a\"";
        let err = classify(&op, api_message(403, rbac));
        let text = err.to_string();
        assert!(matches!(err, Error::Forbidden { verb: "create", .. }));
        assert!(text.contains("`create` `jobs`"), "{text}");
        assert!(text.contains("team-a"), "{text}");
        assert!(err.hint().is_some_and(|h| h.contains("Role")), "{text}");
    }

    #[test]
    fn a_quota_or_webhook_403_is_not_a_missing_right() {
        let op = Op::new("create", "batch", "jobs", Some("team-a"));
        for message in [
            "jobs.batch \"x\" is forbidden: exceeded quota: jobs, requested: count/jobs.batch=1, used: count/jobs.batch=1, limited: count/jobs.batch=1",
            "admission webhook \"validation.gatekeeper.sh\" denied the request: [deny-privileged] privileged containers are not allowed",
        ] {
            let err = classify(&op, api_message(403, message));
            assert!(
                matches!(&err, Error::Api { code: 403, message: m, .. } if m == message),
                "{err:?}"
            );
            assert!(!err.to_string().contains("RBAC"), "{err}");
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn retries_until_success_and_gives_up_after_attempts() {
        let policy = RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
        };
        let op = Op::new("get", "", "namespaces", None);
        let mut calls = 0;
        let ok: Result<u8, Error> = with_retry(&policy, &op, || {
            calls += 1;
            let fail = calls < 3;
            async move { if fail { Err(api_error(503)) } else { Ok(7) } }
        })
        .await;
        assert_eq!(ok.ok(), Some(7));
        let mut calls = 0;
        let err: Result<u8, Error> = with_retry(&policy, &op, || {
            calls += 1;
            async { Err(api_error(500)) }
        })
        .await;
        assert_eq!(calls, 3);
        assert!(matches!(err, Err(Error::Unavailable { attempts: 3, .. })));
    }
}
