//! Retries with exponential backoff for the API calls a client should retry, and the mapping
//! of kube errors into [`Error`] with the verb and resource that failed.
//!
//! One [`RetryPolicy`] says how often, how patiently and on which errors; every loop that
//! tries again (an API call, the Job create that adopts what a lost answer created, a fresh
//! namespace name after a taken one, a poll for a state) runs through [`RetryPolicy::run`],
//! so none counts its tries or sleeps its own way.

use std::future::Future;
use std::time::Duration;

use super::Error;

/// How often and how patiently an API call is retried, and on which answers: the HTTP
/// statuses of [`RetryPolicy::retry_statuses`] (429, 5xx) and connections that broke
/// before an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in total, the first included.
    pub attempts: u32,
    /// Delay before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
    /// The HTTP statuses worth another try: throttling and server errors.
    pub retry_statuses: &'static [u16],
}

/// Throttling and the server errors a client should retry (a 501 never gets better).
pub const RETRY_STATUSES: &[u16] = &[429, 500, 502, 503, 504];

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 6,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            retry_statuses: RETRY_STATUSES,
        }
    }
}

/// What one try came to, for [`RetryPolicy::run`].
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt<T, E> {
    /// Finished: the loop ends with this value (a failure no retry mends included).
    Done(T),
    /// Worth another try; `E` is why this one failed, kept for when the tries run out.
    Retry(E),
}

/// Why [`RetryPolicy::run`] stopped without a value: every try wanted another.
#[derive(Debug, PartialEq, Eq)]
pub struct GaveUp<E> {
    /// The tries made, the first included.
    pub tries: u32,
    /// Why the last one failed.
    pub last: E,
}

impl RetryPolicy {
    /// Tries without a pause, `tries` times: a fresh choice each time (a new random name),
    /// where waiting would change nothing.
    pub const fn immediate(tries: u32) -> RetryPolicy {
        RetryPolicy {
            attempts: tries,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            retry_statuses: RETRY_STATUSES,
        }
    }

    /// Tries every `interval` until the caller's timeout ends the wait: a state a
    /// controller sets within a second or two, read by polling.
    pub const fn poll(interval: Duration) -> RetryPolicy {
        RetryPolicy {
            attempts: u32::MAX,
            base_delay: interval,
            max_delay: interval,
            retry_statuses: RETRY_STATUSES,
        }
    }

    /// The delay before retry number `retry` (0 for the first retry).
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// Whether a kube error is worth another try under this policy: a status of
    /// [`RetryPolicy::retry_statuses`], or a connection that broke before an answer.
    pub fn retries(&self, err: &kube::Error) -> bool {
        match err {
            kube::Error::Api(status) => self.retry_statuses.contains(&status.code),
            kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::ReadEvents(_) => {
                true
            }
            _ => false,
        }
    }

    /// Runs `attempt` (given the number of the try, 0 first) until it is
    /// [`Attempt::Done`], or every one of the policy's tries wanted another; the delay
    /// doubles between tries, up to the policy's bound.
    ///
    /// `attempt` returns a future per try rather than being an async closure: a spawned
    /// case task must be `Send`, which the compiler cannot yet prove for an async
    /// closure's futures.
    pub async fn run<T, E, F, Fut>(&self, mut attempt: F) -> Result<T, GaveUp<E>>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Attempt<T, E>>,
    {
        let tries = self.attempts.max(1);
        let mut tried = 0;
        loop {
            let last = match attempt(tried).await {
                Attempt::Done(value) => return Ok(value),
                Attempt::Retry(last) => last,
            };
            tried += 1;
            if tried >= tries {
                return Err(GaveUp { tries: tried, last });
            }
            let delay = self.delay(tried - 1);
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
        }
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
    let answer = policy
        .run(|_| {
            let call = call();
            async move {
                match call.await {
                    Err(err) if policy.retries(&err) => Attempt::Retry(err),
                    other => Attempt::Done(other),
                }
            }
        })
        .await;
    match answer {
        Ok(answer) => answer.map_err(|err| classify(op, err)),
        Err(gave_up) => Err(unavailable(op, gave_up)),
    }
}

/// The error of an operation whose every try failed with an error worth retrying.
pub fn unavailable(op: &Op, gave_up: GaveUp<kube::Error>) -> Error {
    Error::Unavailable {
        operation: op.describe(),
        attempts: gave_up.tries,
        last: short_error(&gave_up.last),
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
            ..RetryPolicy::default()
        };
        assert_eq!(policy.delay(0), Duration::from_millis(100));
        assert_eq!(policy.delay(1), Duration::from_millis(200));
        assert_eq!(policy.delay(2), Duration::from_millis(350));
        assert_eq!(policy.delay(40), Duration::from_millis(350));
    }

    #[test]
    fn throttling_and_server_errors_are_retried_but_client_errors_are_not() {
        let policy = RetryPolicy::default();
        for code in [429, 500, 502, 503, 504] {
            assert!(policy.retries(&api_error(code)), "{code}");
        }
        for code in [400, 403, 404, 409, 422, 501] {
            assert!(!policy.retries(&api_error(code)), "{code}");
        }
        // Which statuses is the policy's to say.
        let only_throttling = RetryPolicy {
            retry_statuses: &[429],
            ..policy
        };
        assert!(only_throttling.retries(&api_error(429)));
        assert!(!only_throttling.retries(&api_error(503)));
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
    async fn a_run_waits_the_backoff_between_tries_and_none_after_the_last() {
        let policy = RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(25),
            ..RetryPolicy::default()
        };
        let start = std::time::Instant::now();
        let mut at = Vec::new();
        let gave_up: Result<(), GaveUp<u32>> = policy
            .run(|n| {
                at.push(start.elapsed());
                async move { Attempt::Retry(n) }
            })
            .await;
        assert_eq!(gave_up, Err(GaveUp { tries: 4, last: 3 }));
        let waits: Vec<Duration> = at.windows(2).map(|w| w[1] - w[0]).collect();
        for (wait, least) in waits.iter().zip([10, 20, 25]) {
            assert!(*wait >= Duration::from_millis(least), "{waits:?}");
        }
        // No wait after the last try: a policy of one try with a minute's delay is done at once.
        let once = RetryPolicy {
            attempts: 1,
            base_delay: Duration::from_secs(60),
            ..policy
        };
        let quick = tokio::time::timeout(
            Duration::from_secs(5),
            once.run(|_| async { Attempt::<(), _>::Retry(()) }),
        )
        .await;
        assert_eq!(quick, Ok(Err(GaveUp { tries: 1, last: () })));
        // Done ends it at once, whatever the value.
        let done: Result<&str, GaveUp<()>> = policy.run(|_| async { Attempt::Done("x") }).await;
        assert_eq!(done, Ok("x"));
        // An immediate policy tries again at once, its count of times.
        let mut tries = 0;
        let names: Result<(), GaveUp<()>> = RetryPolicy::immediate(5)
            .run(|_| {
                tries += 1;
                async { Attempt::Retry(()) }
            })
            .await;
        assert_eq!((names.map_err(|g| g.tries), tries), (Err(5), 5));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn retries_until_success_and_gives_up_after_attempts() {
        let policy = RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
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
