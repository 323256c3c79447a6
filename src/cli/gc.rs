//! `jjo gc`: delete what earlier live runs left on a cluster.

use crate::error::Error;
use crate::flags::ClusterArgs;

/// Delete namespaces (or, with `--namespace`, objects) that earlier jjo runs left behind.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Only what this run id created (default: everything jjo created).
    #[arg(long)]
    pub run_id: Option<String>,
}

/// Runs `jjo gc`.
#[cfg(feature = "cluster")]
pub fn run(args: Args) -> Result<u8, Error> {
    use crate::cluster::{self, RetryPolicy};

    let Some(backend) = args.cluster.backend()? else {
        return Err(Error::Usage {
            message: "`jjo gc` needs a cluster".into(),
            hint: Some(
                "e.g. `jjo gc --cluster kind` or `jjo gc --cluster kubeconfig --context staging`"
                    .into(),
            ),
        });
    };
    if let cluster::Backend::Local { .. } = backend {
        // A local control plane ends with its run; what a killed run can leave is its directory.
        let removed = cluster::local::sweep_stale();
        let mut out = String::new();
        for dir in &removed {
            out.push_str(&format!("deleted {} (its jjo is gone)\n", dir.display()));
        }
        out.push_str(&format!(
            "{} deleted: a local control plane lives only as long as its run\n",
            removed.len()
        ));
        super::print(&out)?;
        return Ok(crate::error::exit::OK);
    }
    let runtime = crate::live::runtime()?;
    let report = runtime.block_on(async {
        // Never creates a cluster: with none there is nothing to collect.
        let cluster = backend.connect_existing().await?;
        // The cluster's own retries are off (`client_from_config`); jjo's bounded ones apply.
        cluster::gc(
            &cluster.client,
            args.cluster
                .namespace
                .as_deref()
                .or(cluster.namespace.as_deref()),
            args.run_id.as_deref(),
            &RetryPolicy::default(),
        )
        .await
    });
    let report = report.map_err(|e| Error::Cluster(Box::new(e)))?;
    super::print(&report_text(&report))?;
    Ok(if report.left.is_empty() {
        crate::error::exit::OK
    } else {
        crate::error::exit::FAILED
    })
}

/// What `jjo gc` did, one line per object, then the counts.
#[cfg(feature = "cluster")]
fn report_text(report: &crate::cluster::GcReport) -> String {
    let mut out = String::new();
    for name in &report.deleted {
        out.push_str(&format!("deleted {name}\n"));
    }
    for name in &report.terminating {
        out.push_str(&format!("terminating {name} (already being deleted)\n"));
    }
    for (name, error) in &report.left {
        out.push_str(&format!("left {name}: {error}\n"));
    }
    out.push_str(&format!(
        "{} deleted, {} terminating, {} left\n",
        report.deleted.len(),
        report.terminating.len(),
        report.left.len()
    ));
    out
}

/// Runs `jjo gc`.
#[cfg(not(feature = "cluster"))]
pub fn run(args: Args) -> Result<u8, Error> {
    args.cluster.require_offline()?;
    Err(Error::Usage {
        message: "`jjo gc` needs a cluster".into(),
        hint: None,
    })
}
