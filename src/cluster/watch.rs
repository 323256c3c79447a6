//! Waiting for an object state with list + watch: no polling loop and no sleep, only the
//! backoff between re-watches after a watch dropped.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU32, Ordering};

use futures_util::StreamExt;
use kube::Resource;
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use serde::de::DeserializeOwned;

use super::Error;
use super::retry::{Op, RetryPolicy, short_error, with_retry};

/// Server-side bound of one watch request; the watch is re-issued after it.
const WATCH_SECONDS: u32 = 290;

/// Lists objects matching the selectors, then watches from the list's resourceVersion
/// until `done` returns a value for one of them. A dropped watch is re-issued from the last
/// resourceVersion seen (counted in `restarts`). `410 Gone` (as the answer to the watch
/// request, or as an `ERROR` event) and any other `Status` in the stream start over with a
/// fresh list: the version is too old or the server gave up on this watch, so resuming
/// from it would miss changes (kube-rs `runtime::watcher` does the same). The caller
/// bounds the wait with a timeout.
pub(crate) async fn watch_until<K, R>(
    api: &Api<K>,
    op: &Op,
    labels: Option<&str>,
    fields: Option<&str>,
    retry: &RetryPolicy,
    restarts: &AtomicU32,
    mut done: impl FnMut(&K) -> Option<R>,
) -> Result<R, Error>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
{
    let mut lp = ListParams::default();
    let mut wp = WatchParams::default().timeout(WATCH_SECONDS);
    if let Some(labels) = labels {
        lp = lp.labels(labels);
        wp = wp.labels(labels);
    }
    if let Some(fields) = fields {
        lp = lp.fields(fields);
        wp = wp.fields(fields);
    }
    let list_op = Op {
        verb: "list",
        ..op.clone()
    };
    let watch_op = Op {
        verb: "watch",
        ..op.clone()
    };
    // Counts failures of both kinds (dropped connections, errors in the stream) until an
    // event gets through, across re-lists.
    let mut failures = 0u32;
    'relist: loop {
        let list = with_retry(retry, &list_op, || api.list(&lp)).await?;
        for item in &list.items {
            if let Some(found) = done(item) {
                return Ok(found);
            }
        }
        let mut version = list
            .metadata
            .resource_version
            .clone()
            .unwrap_or_else(|| "0".into());
        loop {
            let mut stream = match api.watch(&wp, &version).await {
                Ok(stream) => stream.boxed(),
                Err(kube::Error::Api(status)) if status.code == 410 => {
                    restarts.fetch_add(1, Ordering::Relaxed);
                    continue 'relist;
                }
                Err(err) if retry.retries(&err) && failures + 1 < retry.attempts => {
                    tokio::time::sleep(retry.delay(failures)).await;
                    failures += 1;
                    continue;
                }
                Err(err) if retry.retries(&err) => {
                    return Err(Error::Unavailable {
                        operation: watch_op.describe(),
                        attempts: failures + 1,
                        last: short_error(&err),
                    });
                }
                Err(err) => return Err(super::retry::classify(&watch_op, err)),
            };
            while let Some(event) = stream.next().await {
                match event {
                    Ok(WatchEvent::Added(obj)) | Ok(WatchEvent::Modified(obj)) => {
                        failures = 0;
                        if let Some(rv) = obj.meta().resource_version.clone() {
                            version = rv;
                        }
                        if let Some(found) = done(&obj) {
                            return Ok(found);
                        }
                    }
                    Ok(WatchEvent::Deleted(obj)) => {
                        if let Some(rv) = obj.meta().resource_version.clone() {
                            version = rv;
                        }
                    }
                    Ok(WatchEvent::Bookmark(mark)) => version = mark.metadata.resource_version,
                    Ok(WatchEvent::Error(status)) if status.code == 403 => {
                        return Err(super::retry::classify(&watch_op, kube::Error::Api(status)));
                    }
                    // A Status in the stream (410 Gone: the version is too old; or the
                    // server ended this watch): list again, never resume from `version`.
                    Ok(WatchEvent::Error(_)) => {
                        count_end(
                            &mut failures,
                            retry,
                            &watch_op,
                            restarts,
                            "the watch kept ending with an error",
                        )?;
                        continue 'relist;
                    }
                    // A broken connection: re-watch from `version` below.
                    Err(_) => break,
                }
            }
            // The watch ended (server timeout, dropped connection): resume from `version`.
            count_end(
                &mut failures,
                retry,
                &watch_op,
                restarts,
                "the watch kept dropping",
            )?;
            tokio::time::sleep(retry.delay(failures.saturating_sub(1))).await;
        }
    }
}

/// Counts a watch that ended before an event got through (in `restarts` and `failures`);
/// `last` is the error once that happened `attempts * 4` times in a row.
fn count_end(
    failures: &mut u32,
    retry: &RetryPolicy,
    op: &Op,
    restarts: &AtomicU32,
    last: &str,
) -> Result<(), Error> {
    restarts.fetch_add(1, Ordering::Relaxed);
    *failures += 1;
    if *failures >= retry.attempts.max(1) * 4 {
        return Err(Error::Unavailable {
            operation: op.describe(),
            attempts: *failures,
            last: last.into(),
        });
    }
    Ok(())
}
