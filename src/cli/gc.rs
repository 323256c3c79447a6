//! `jjo gc`: delete what earlier live runs left on a cluster.

use super::cluster::ClusterArgs;
use crate::error::Error;

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
    let runtime = crate::live::runtime()?;
    let deleted = runtime.block_on(async {
        let cluster = backend.connect().await?;
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
    let deleted = deleted.map_err(|e| Error::Cluster(Box::new(e)))?;
    let mut out = String::new();
    for name in &deleted {
        out.push_str(&format!("deleted {name}\n"));
    }
    out.push_str(&format!(
        "{} object{} deleted\n",
        deleted.len(),
        if deleted.len() == 1 { "" } else { "s" }
    ));
    super::print(&out)?;
    Ok(crate::error::exit::OK)
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
