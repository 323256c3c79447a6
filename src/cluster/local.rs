//! `--cluster local`: a real Kubernetes control plane on this machine, without a container
//! engine. etcd, kube-apiserver, kube-controller-manager and kube-scheduler, built from their
//! Go modules by `ci/control-plane/build vX.Y.Z` into a cache outside the clone, run as
//! child processes on free 127.0.0.1 ports with a fresh PKI in a temporary directory,
//! configured as kind and kubeadm configure theirs. jjo talks to it through a kubeconfig
//! like any other cluster. There is no kubelet: Pods are created, defaulted and admitted,
//! and stay Pending.
//!
//! Nothing outlives the run. The children are started by one supervisor thread, each in its
//! own process group (a Ctrl-C at the terminal reaches jjo only, which stops them after
//! deleting its namespaces) and with `PR_SET_PDEATHSIG` (if jjo dies, even by SIGKILL, the
//! kernel kills them). A small `sh` watcher, started last, removes the temporary directory
//! once jjo's process is gone; a normal stop ends the children by their PIDs (SIGTERM, then
//! SIGKILL), ends the watcher and removes the directory itself.

use std::io::Read as _;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use kube::Client;

use super::Error;
use super::pki::{Pki, SERVICE_CIDR};

/// The command that builds a release into the cache, for messages.
pub const BUILD_COMMAND: &str = "ci/control-plane/build";
/// The releases `.ci/run` builds: together they stand for Kubernetes 1.31 to 1.37.
pub const RELEASES: &[&str] = &["v1.34.4", "v1.37.2"];
/// How many minors below its own a build emulates (`--emulated-version kube=1.31..1.34` for
/// v1.34.4, measured; the compatibility-version window of KEP-4330 is three minors).
pub const EMULATION_WINDOW: u8 = 3;
/// The context of the kubeconfig jjo writes for a local control plane.
pub const LOCAL_CONTEXT: &str = "jjo-local";
/// How long the control plane may take to answer `/readyz` and to have the `default`
/// ServiceAccount (4–6 s measured on 2 idle cores; builds or other runs may share them).
const READY_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the components get to exit on SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(3);
/// The prefix of every control plane's temporary directory: `jjo-local-<jjo pid>-XXXXXX`.
const DIR_PREFIX: &str = "jjo-local-";

/// The controllers a session Job needs, as kind's controller-manager runs them (1.34 names):
/// Jobs make Pods, namespaces get their `default` ServiceAccount, tokens and
/// `kube-root-ca.crt`, deleted namespaces are emptied, quotas are counted.
const CONTROLLERS: &[&str] = &[
    "job-controller",
    "namespace-controller",
    "serviceaccount-controller",
    "serviceaccount-token-controller",
    "garbage-collector-controller",
    "resourcequota-controller",
    "root-ca-certificate-publisher-controller",
    "ttl-after-finished-controller",
    "pod-garbage-collector-controller",
];

/// A release in the cache: `<cache>/v1.34.4/{etcd,kube-apiserver,...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The release, `v1.34.4`.
    pub version: String,
    /// Its minor, 34.
    pub minor: u8,
    /// The directory holding the four binaries.
    pub dir: PathBuf,
}

/// What to start: a build, and the minor it emulates when it is not its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The build to run.
    pub build: Build,
    /// `--emulated-version kube=1.<minor>`, when the wanted minor is older than the build.
    pub emulated: Option<u8>,
}

impl Choice {
    /// The minor this control plane stands for.
    pub fn minor(&self) -> u8 {
        self.emulated.unwrap_or(self.build.minor)
    }
}

const BINARIES: &[&str] = &[
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
];

/// The cache directory: `explicit` (`--control-plane-cache`, `JJO_CONTROL_PLANE_CACHE`), else
/// `$XDG_CACHE_HOME/jjo/control-plane`, else `~/.cache/jjo/control-plane`, as the build
/// script decides it.
pub fn cache_root(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = explicit {
        return Some(dir.to_path_buf());
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("jjo").join("control-plane"))
}

/// The complete builds in `root` (all four binaries present and executable), oldest first.
/// An unfinished build (`v1.37.2.tmp`) or another directory is not one.
pub fn builds(root: &Path) -> Vec<Build> {
    use std::os::unix::fs::PermissionsExt;
    let mut out: Vec<Build> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let minor = release_minor(&name)?;
            let dir = entry.path();
            let complete = BINARIES.iter().all(|b| {
                std::fs::metadata(dir.join(b))
                    .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            });
            complete.then_some(Build {
                version: name,
                minor,
                dir,
            })
        })
        .collect();
    out.sort_by_key(|b| (b.minor, patch(&b.version)));
    out
}

/// The minor of a release name `v1.<minor>.<patch>`.
fn release_minor(name: &str) -> Option<u8> {
    let rest = name.strip_prefix("v1.")?;
    let (minor, patch) = rest.split_once('.')?;
    patch.parse::<u32>().ok()?;
    minor.parse().ok()
}

fn patch(version: &str) -> u32 {
    version
        .rsplit('.')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

/// The minor of a version text: `1.31`, `v1.31`, `1.31.4`.
pub fn parse_minor(text: &str) -> Option<u8> {
    let rest = text.trim().trim_start_matches('v').strip_prefix("1.")?;
    rest.split('.').next()?.parse().ok()
}

/// The build for `wanted` (a minor; the newest build when `None`): the build of that very
/// minor, else the oldest newer build that emulates it. Without one, an error naming the
/// builds there are and the command that makes the missing one.
pub fn choose(root: &Path, builds: &[Build], wanted: Option<u8>) -> Result<Choice, Error> {
    let Some(newest) = builds.last() else {
        return Err(Error::Backend {
            backend: "local",
            message: format!(
                "no Kubernetes control plane is built in `{}`",
                root.display()
            ),
            hint: Some(build_hint(RELEASES)),
        });
    };
    let Some(wanted) = wanted else {
        return Ok(Choice {
            build: newest.clone(),
            emulated: None,
        });
    };
    let fits = |b: &&Build| b.minor >= wanted && b.minor - wanted <= EMULATION_WINDOW;
    // The newest patch of the lowest fitting minor: emulating as few minors as possible.
    let lowest = builds.iter().filter(fits).map(|b| b.minor).min();
    if let Some(build) = lowest.and_then(|m| builds.iter().rev().find(|b| b.minor == m)) {
        return Ok(Choice {
            build: build.clone(),
            emulated: (build.minor != wanted).then_some(wanted),
        });
    }
    let have: Vec<String> = builds
        .iter()
        .map(|b| {
            format!(
                "{} (1.{}–1.{})",
                b.version,
                b.minor.saturating_sub(EMULATION_WINDOW),
                b.minor
            )
        })
        .collect();
    let release = RELEASES
        .iter()
        .copied()
        .find(|r| release_minor(r).is_some_and(|m| m >= wanted && m - wanted <= EMULATION_WINDOW));
    Err(Error::Backend {
        backend: "local",
        message: format!(
            "no build in `{}` runs Kubernetes 1.{wanted} (built: {})",
            root.display(),
            have.join(", ")
        ),
        hint: Some(match release {
            Some(r) => build_hint(&[r]),
            None => format!(
                "a build v1.N.P runs 1.N and emulates the {EMULATION_WINDOW} minors below it; build one that covers 1.{wanted} with `{BUILD_COMMAND} v1.N.P` (needs Go)"
            ),
        }),
    })
}

fn build_hint(releases: &[&str]) -> String {
    let commands: Vec<String> = releases
        .iter()
        .map(|r| format!("`{BUILD_COMMAND} {r}`"))
        .collect();
    format!(
        "build it with {} (needs Go; minutes, once: cached)",
        commands.join(" and ")
    )
}

/// A free TCP port on 127.0.0.1, as the kernel hands one out.
fn free_port() -> Result<u16, Error> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| start_error(format!("no free port on 127.0.0.1: {e}"), None))
}

fn start_error(message: String, hint: Option<String>) -> Error {
    Error::Backend {
        backend: "local",
        message,
        hint,
    }
}

/// The ports of one control plane.
#[derive(Debug, Clone, Copy)]
struct Ports {
    etcd_client: u16,
    etcd_peer: u16,
    apiserver: u16,
}

/// One component: its name and command line.
struct Component {
    name: &'static str,
    command: Command,
}

/// The command lines of the four components, each logging to `logs/<name>.log`.
fn components(
    choice: &Choice,
    dir: &Path,
    pki: &Pki,
    ports: Ports,
) -> Result<Vec<Component>, Error> {
    let bin = |name: &str| choice.build.dir.join(name);
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let emulated = choice
        .emulated
        .map(|m| format!("--emulated-version=kube=1.{m}"));
    let etcd_url = format!("http://127.0.0.1:{}", ports.etcd_client);
    let peer_url = format!("http://127.0.0.1:{}", ports.etcd_peer);
    let mut etcd = Command::new(bin("etcd"));
    etcd.args([
        "--name=jjo",
        &format!("--data-dir={}", path(&dir.join("etcd"))),
        &format!("--listen-client-urls={etcd_url}"),
        &format!("--advertise-client-urls={etcd_url}"),
        &format!("--listen-peer-urls={peer_url}"),
        &format!("--initial-advertise-peer-urls={peer_url}"),
        &format!("--initial-cluster=jjo={peer_url}"),
        // The data is thrown away with the run: durability buys nothing here.
        "--unsafe-no-fsync",
        "--log-level=warn",
    ]);

    let mut apiserver = Command::new(bin("kube-apiserver"));
    apiserver.args([
        format!("--etcd-servers={etcd_url}"),
        "--bind-address=127.0.0.1".into(),
        "--advertise-address=127.0.0.1".into(),
        format!("--secure-port={}", ports.apiserver),
        // No Endpoints for the `kubernetes` Service: nothing routes to it, and the lease
        // reconciler would only log about it.
        "--endpoint-reconciler-type=none".into(),
        format!("--cert-dir={}", path(&dir.join("apiserver"))),
        format!("--tls-cert-file={}", path(&pki.serving.0)),
        format!("--tls-private-key-file={}", path(&pki.serving.1)),
        format!("--client-ca-file={}", path(&pki.ca_cert)),
        // kubeadm's: Node authorization for kubelets, RBAC for everyone else.
        "--authorization-mode=Node,RBAC".into(),
        // kubeadm adds NodeRestriction to the default plugins (NamespaceLifecycle,
        // LimitRanger, ServiceAccount, PodSecurity, ResourceQuota, ...), which stay on.
        "--enable-admission-plugins=NodeRestriction".into(),
        // The default (false) refuses every privileged container: "disallowed by cluster policy".
        "--allow-privileged=true".into(),
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
        format!(
            "--service-account-key-file={}",
            path(&pki.service_account.1)
        ),
        format!(
            "--service-account-signing-key-file={}",
            path(&pki.service_account.0)
        ),
        format!("--service-cluster-ip-range={SERVICE_CIDR}"),
        "--profiling=false".into(),
    ]);
    apiserver.args(&emulated);

    let kubeconfig = |name: &str, (cert, key): &(PathBuf, PathBuf)| -> Result<PathBuf, Error> {
        let file = dir.join(format!("{name}.kubeconfig"));
        write_kubeconfig(&file, ports.apiserver, &pki.ca_cert, cert, key)?;
        Ok(file)
    };
    let mut controller_manager = Command::new(bin("kube-controller-manager"));
    controller_manager.args([
        format!(
            "--kubeconfig={}",
            path(&kubeconfig("controller-manager", &pki.controller_manager)?)
        ),
        format!("--controllers={}", CONTROLLERS.join(",")),
        // Each controller with its own ServiceAccount, as kubeadm: without it the root CA
        // publisher may not write `kube-root-ca.crt`.
        "--use-service-account-credentials=true".into(),
        format!(
            "--service-account-private-key-file={}",
            path(&pki.service_account.0)
        ),
        format!("--root-ca-file={}", path(&pki.ca_cert)),
        format!("--cluster-signing-cert-file={}", path(&pki.ca_cert)),
        format!("--cluster-signing-key-file={}", path(&pki.ca_key)),
        "--leader-elect=false".into(),
        "--secure-port=0".into(),
        "--profiling=false".into(),
    ]);
    controller_manager.args(&emulated);

    let mut scheduler = Command::new(bin("kube-scheduler"));
    scheduler.args([
        format!(
            "--kubeconfig={}",
            path(&kubeconfig("scheduler", &pki.scheduler)?)
        ),
        "--leader-elect=false".into(),
        "--secure-port=0".into(),
        "--profiling=false".into(),
    ]);
    scheduler.args(&emulated);

    Ok(vec![
        Component {
            name: "etcd",
            command: etcd,
        },
        Component {
            name: "kube-apiserver",
            command: apiserver,
        },
        Component {
            name: "kube-controller-manager",
            command: controller_manager,
        },
        Component {
            name: "kube-scheduler",
            command: scheduler,
        },
    ])
}

/// A kubeconfig naming the PKI files (no data inlined: they live in the same directory).
fn write_kubeconfig(
    file: &Path,
    port: u16,
    ca: &Path,
    cert: &Path,
    key: &Path,
) -> Result<(), Error> {
    let text = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": LOCAL_CONTEXT, "cluster": {
            "server": format!("https://127.0.0.1:{port}"),
            "certificate-authority": ca,
        }}],
        "users": [{"name": LOCAL_CONTEXT, "user": {
            "client-certificate": cert,
            "client-key": key,
        }}],
        "contexts": [{"name": LOCAL_CONTEXT, "context": {"cluster": LOCAL_CONTEXT, "user": LOCAL_CONTEXT}}],
        "current-context": LOCAL_CONTEXT,
    });
    // JSON is YAML: every component reads it.
    std::fs::write(file, text.to_string())
        .map_err(|e| start_error(format!("cannot write `{}`: {e}", file.display()), None))
}

/// The running children, owned by the thread that started them: `PR_SET_PDEATHSIG` fires
/// when the *thread* that forked a child ends, so that thread lives exactly as long as the
/// control plane.
struct Supervisor {
    requests: Option<mpsc::Sender<Spawn>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Components that exited on their own, with their status.
    exited: Arc<Mutex<Vec<(&'static str, ExitStatus)>>>,
    logs: PathBuf,
}

/// Components to start on the supervisor thread, and where to say how that went.
struct Spawn {
    commands: Vec<(&'static str, Command)>,
    reply: mpsc::Sender<Result<(), Error>>,
}

impl Supervisor {
    /// Starts the supervisor thread and, from it, the watcher that removes `dir` (and kills
    /// the PIDs listed in `dir/pids`) after jjo died.
    fn start(logs: &Path, dir: &Path) -> Result<Supervisor, Error> {
        let exited = Arc::new(Mutex::new(Vec::new()));
        let (requests, inbox) = mpsc::channel::<Spawn>();
        let (started_tx, started_rx) = mpsc::channel::<Result<(), Error>>();
        let (dir, seen) = (dir.to_path_buf(), Arc::clone(&exited));
        let thread = std::thread::Builder::new()
            .name("jjo-control-plane".into())
            .spawn(move || supervise(&dir, &started_tx, &inbox, &seen))
            .map_err(|e| start_error(format!("cannot start a thread: {e}"), None))?;
        let supervisor = Supervisor {
            requests: Some(requests),
            thread: Some(thread),
            exited,
            logs: logs.to_path_buf(),
        };
        match started_rx.recv() {
            Ok(Ok(())) => Ok(supervisor),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(start_error(
                "the control plane's supervisor thread ended before it started anything".into(),
                None,
            )),
        }
    }

    /// Starts components, in order, each logging to `logs/<name>.log`.
    fn spawn(&self, components: Vec<Component>) -> Result<(), Error> {
        let mut commands = Vec::new();
        for Component { name, mut command } in components {
            let log = self.logs.join(format!("{name}.log"));
            let file = std::fs::File::create(&log).map_err(|e| {
                start_error(format!("cannot create `{}`: {e}", log.display()), None)
            })?;
            let err = file
                .try_clone()
                .map_err(|e| start_error(format!("cannot open `{}`: {e}", log.display()), None))?;
            command
                .stdin(Stdio::null())
                .stdout(file)
                .stderr(err)
                .process_group(0);
            die_with_parent(&mut command);
            commands.push((name, command));
        }
        let gone = || start_error("the control plane's supervisor thread is gone".into(), None);
        let (reply, answer) = mpsc::channel();
        self.requests
            .as_ref()
            .ok_or_else(gone)?
            .send(Spawn { commands, reply })
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }

    /// The first component that exited on its own, if any.
    fn first_exit(&self) -> Option<(&'static str, ExitStatus)> {
        self.exited
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .first()
            .copied()
    }

    /// Ends every child (SIGTERM, then SIGKILL after [`STOP_GRACE`]) and the watcher, and
    /// waits for them. Idempotent.
    fn stop(&mut self) {
        drop(self.requests.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Makes a child die with jjo: `PR_SET_PDEATHSIG` (SIGKILL) set between fork and exec, and
/// if jjo already died in between (the child was re-parented), the child exits at once.
fn die_with_parent(command: &mut Command) {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs in the forked child before exec and only makes
    // async-signal-safe calls (prctl, getppid, _exit), allocating nothing.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) == -1
            {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

/// The supervisor thread: starts the watcher, then whatever it is asked to, records early
/// exits until its owner stops it (drops the sender), then ends everything.
fn supervise(
    dir: &Path,
    started: &mpsc::Sender<Result<(), Error>>,
    inbox: &mpsc::Receiver<Spawn>,
    exited: &Mutex<Vec<(&'static str, ExitStatus)>>,
) {
    let mut children: Vec<(&'static str, Child)> = Vec::new();
    match watch_for_parent(dir) {
        Ok(watcher) => children.push(("watcher", watcher)),
        Err(e) => {
            let _ = started.send(Err(e));
            return;
        }
    }
    let _ = started.send(Ok(()));
    let mut reported = vec![false];
    loop {
        match inbox.recv_timeout(Duration::from_millis(100)) {
            Ok(Spawn { commands, reply }) => {
                let mut result = Ok(());
                for (name, mut command) in commands {
                    match command.spawn() {
                        Ok(child) => {
                            record_pid(dir, child.id());
                            children.push((name, child));
                            reported.push(false);
                        }
                        Err(e) => {
                            result = Err(start_error(
                                format!(
                                    "cannot start `{}`: {e}",
                                    command.get_program().to_string_lossy()
                                ),
                                Some(format!(
                                    "rebuild it with `{BUILD_COMMAND} <version>` (the cache may be damaged)"
                                )),
                            ));
                            break;
                        }
                    }
                }
                let _ = reply.send(result);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                for (i, (name, child)) in children.iter_mut().enumerate() {
                    if !reported[i]
                        && let Ok(Some(status)) = child.try_wait()
                    {
                        reported[i] = true;
                        exited
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((name, status));
                    }
                }
            }
            // The owner stopped the control plane, or is gone.
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    end(&mut children);
}

/// Appends a child's PID to `dir/pids`, which the watcher kills if jjo dies.
fn record_pid(dir: &Path, pid: u32) {
    use std::io::Write;
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("pids"))
    {
        let _ = writeln!(file, "{pid}");
    }
}

/// SIGTERM to every child by its PID (newest first: the scheduler before the API server
/// before etcd), SIGKILL to what is left after [`STOP_GRACE`], and every one reaped.
fn end(children: &mut [(&'static str, Child)]) {
    for (_, child) in children.iter_mut().rev() {
        if let Ok(None) = child.try_wait() {
            // SAFETY: kill(2) on the PID of our own unreaped child: it cannot be reused yet.
            unsafe {
                libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
            }
        }
    }
    let deadline = Instant::now() + STOP_GRACE;
    for (_, child) in children.iter_mut().rev() {
        while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Ok(None) = child.try_wait() {
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}

/// The watcher: a `sh` that polls jjo's PID and, once jjo is gone without stopping the
/// control plane (SIGKILL, `process::exit` with the control plane in a static), kills what
/// is left of the components (`dir/pids`; `PR_SET_PDEATHSIG` normally has) and removes the
/// directory. Not tied to jjo's death itself.
fn watch_for_parent(dir: &Path) -> Result<Child, Error> {
    const SCRIPT: &str = r#"parent=$1; dir=$2
while kill -0 "$parent" 2>/dev/null; do sleep 0.5; done
[ -f "$dir/pids" ] && kill -9 $(cat "$dir/pids") 2>/dev/null
rm -rf -- "$dir""#;
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(SCRIPT)
        .arg("jjo-control-plane-watcher")
        .arg(std::process::id().to_string())
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    command.spawn().map_err(|e| {
        start_error(
            format!("cannot start `sh` (the control plane's watcher): {e}"),
            None,
        )
    })
}

/// What the interrupt handler and `Drop` share: the supervisor and the directory, each
/// taken once by whoever stops first.
struct Inner {
    supervisor: Mutex<Option<Supervisor>>,
    dir: Mutex<Option<tempfile::TempDir>>,
    keep_logs: AtomicBool,
}

impl Inner {
    /// Ends the processes and removes the directory; with `keep_logs`, moves `logs/` out
    /// first and returns where it went.
    fn shutdown(&self, keep_logs: bool) -> Option<PathBuf> {
        if let Some(mut supervisor) = self
            .supervisor
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            supervisor.stop();
        }
        let dir = self.dir.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        let kept = keep_logs.then(|| keep(&dir.path().join("logs"))).flatten();
        let _ = dir.close();
        kept
    }
}

/// Moves a logs directory next to the temporary directory, under a name of its own.
fn keep(logs: &Path) -> Option<PathBuf> {
    let target = tempfile::Builder::new()
        .prefix("jjo-control-plane-logs-")
        .tempdir()
        .ok()?
        .keep();
    // rename(2) replaces the empty directory.
    std::fs::rename(logs, &target).ok()?;
    Some(target)
}

/// A running control plane. Dropping it stops it; [`ControlPlane::keep_logs`] first asks
/// for the component logs to be kept.
pub struct ControlPlane {
    inner: Arc<Inner>,
    hook: u64,
    kubeconfig: PathBuf,
    choice: Choice,
    started: Duration,
}

impl std::fmt::Debug for ControlPlane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlPlane")
            .field("choice", &self.choice)
            .field("kubeconfig", &self.kubeconfig)
            .finish_non_exhaustive()
    }
}

impl ControlPlane {
    /// Starts `choice` and waits until it is ready (`/readyz`, and the `default`
    /// ServiceAccount of namespace `default`); returns it with an admin client.
    pub async fn start(choice: &Choice) -> Result<(ControlPlane, Client), Error> {
        check_version(&choice.build)?;
        sweep_stale();
        let begin = Instant::now();
        let mut last = None;
        // A port taken between picking and binding it is retried with fresh ports.
        for _ in 0..3 {
            match Self::try_start(choice, begin).await {
                Err(Retry::Port(e)) => last = Some(e),
                Err(Retry::No(e)) => return Err(e),
                Ok(started) => return Ok(started),
            }
        }
        Err(last.unwrap_or_else(|| start_error("cannot start the control plane".into(), None)))
    }

    async fn try_start(choice: &Choice, begin: Instant) -> Result<(ControlPlane, Client), Retry> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{DIR_PREFIX}{}-", std::process::id()))
            .tempdir()
            .map_err(|e| {
                Retry::No(start_error(
                    format!("cannot create a temporary directory: {e}"),
                    None,
                ))
            })?;
        let logs = dir.path().join("logs");
        std::fs::create_dir(&logs).map_err(|e| {
            Retry::No(start_error(
                format!("cannot create `{}`: {e}", logs.display()),
                None,
            ))
        })?;
        let pki = Pki::create(&dir.path().join("pki")).map_err(Retry::No)?;
        let ports = Ports {
            etcd_client: free_port().map_err(Retry::No)?,
            etcd_peer: free_port().map_err(Retry::No)?,
            apiserver: free_port().map_err(Retry::No)?,
        };
        let kubeconfig = dir.path().join("admin.kubeconfig");
        write_kubeconfig(
            &kubeconfig,
            ports.apiserver,
            &pki.ca_cert,
            &pki.admin.0,
            &pki.admin.1,
        )
        .map_err(Retry::No)?;
        let mut components = components(choice, dir.path(), &pki, ports).map_err(Retry::No)?;
        // The controller-manager gives up after 10 s without a healthy API server, which a
        // busy machine can take: it and the scheduler start once `/readyz` answers.
        let clients = components.split_off(2);
        let supervisor = Supervisor::start(&logs, dir.path()).map_err(Retry::No)?;
        let spawned = supervisor.spawn(components);
        let inner = Arc::new(Inner {
            supervisor: Mutex::new(Some(supervisor)),
            dir: Mutex::new(Some(dir)),
            keep_logs: AtomicBool::new(false),
        });
        let hook = {
            let inner = Arc::clone(&inner);
            super::cleanup::on_interrupt(Box::new(move || {
                inner.shutdown(false);
            }))
        };
        let mut plane = ControlPlane {
            inner,
            hook,
            kubeconfig: kubeconfig.clone(),
            choice: choice.clone(),
            started: Duration::ZERO,
        };
        spawned.map_err(Retry::No)?;
        let client =
            super::backend::client_from_kubeconfig(&kubeconfig, Some(LOCAL_CONTEXT), "local")
                .await
                .map_err(Retry::No)?;
        let ready = match plane.wait_ready(&client, &logs, false).await {
            Ok(()) => match plane.spawn(clients) {
                Ok(()) => plane.wait_ready(&client, &logs, true).await,
                Err(e) => Err((e, false)),
            },
            Err(e) => Err(e),
        };
        match ready {
            Ok(()) => {
                plane.started = begin.elapsed();
                Ok((plane, client))
            }
            Err((error, port_taken)) => {
                // Logs are kept for a start that failed for any other reason.
                plane.inner.keep_logs.store(!port_taken, Ordering::Relaxed);
                let kept = plane.stop();
                let error = match (error, kept) {
                    (
                        Error::Backend {
                            backend,
                            message,
                            hint,
                        },
                        Some(path),
                    ) => Error::Backend {
                        backend,
                        message: format!(
                            "{message}\n  component logs kept in `{}`",
                            path.display()
                        ),
                        hint,
                    },
                    (error, _) => error,
                };
                Err(if port_taken {
                    Retry::Port(error)
                } else {
                    Retry::No(error)
                })
            }
        }
    }

    /// Waits for `/readyz`, then for the `default` ServiceAccount; a component that exits
    /// first is the error, with the end of its log. The flag says whether a port was taken.
    async fn wait_ready(
        &self,
        client: &Client,
        logs: &Path,
        service_account: bool,
    ) -> Result<(), (Error, bool)> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let mut phase = "waiting for `/readyz`";
        loop {
            if let Some((name, status)) = self.first_exit() {
                let tail = log_tail(&logs.join(format!("{name}.log")), 12);
                let port_taken = tail.contains("address already in use");
                return Err((
                    start_error(
                        format!("`{name}` of {} exited ({status}) while the control plane started:\n{tail}", self.describe()),
                        (!port_taken).then(|| format!("check the flags it was given in its log; `{BUILD_COMMAND} {}` rebuilds it", self.choice.build.version)),
                    ),
                    port_taken,
                ));
            }
            if Instant::now() > deadline {
                return Err((
                    Error::Timeout {
                        phase: format!("{phase} of the local control plane ({})", self.describe()),
                        after: READY_TIMEOUT,
                    },
                    false,
                ));
            }
            let ready = match phase {
                "waiting for `/readyz`" => readyz(client).await,
                _ => default_service_account(client).await,
            };
            if ready {
                if phase == "waiting for `/readyz`" && service_account {
                    phase = "waiting for the `default` ServiceAccount";
                    continue;
                }
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn spawn(&self, components: Vec<Component>) -> Result<(), Error> {
        match self
            .inner
            .supervisor
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            Some(supervisor) => supervisor.spawn(components),
            None => Err(start_error("the control plane was stopped".into(), None)),
        }
    }

    fn first_exit(&self) -> Option<(&'static str, ExitStatus)> {
        self.inner
            .supervisor
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .and_then(Supervisor::first_exit)
    }

    /// `v1.34.4`, or `v1.34.4 emulating 1.31`.
    pub fn describe(&self) -> String {
        describe(&self.choice)
    }

    /// The build and the emulated minor.
    pub fn choice(&self) -> &Choice {
        &self.choice
    }

    /// The admin kubeconfig (`system:masters`): any client may use it while the control
    /// plane runs, e.g. to create Nodes or other cluster-scoped objects.
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// How long the start took, until ready.
    pub fn startup(&self) -> Duration {
        self.started
    }

    /// Asks for the component logs to be kept (a case failed); their path is printed on stop.
    pub fn keep_logs(&self) {
        self.inner.keep_logs.store(true, Ordering::Relaxed);
    }

    /// Stops now; returns where the logs were kept, if they were.
    pub fn stop(self) -> Option<PathBuf> {
        let keep = self.inner.keep_logs.load(Ordering::Relaxed);
        let kept = self.inner.shutdown(keep);
        super::cleanup::remove_interrupt_hook(self.hook);
        kept
    }
}

impl Drop for ControlPlane {
    fn drop(&mut self) {
        super::cleanup::remove_interrupt_hook(self.hook);
        let keep = self.inner.keep_logs.load(Ordering::Relaxed);
        if let Some(path) = self.inner.shutdown(keep) {
            eprintln!(
                "note: logs of the local control plane ({}) kept in `{}`",
                self.describe(),
                path.display()
            );
        }
    }
}

enum Retry {
    Port(Error),
    No(Error),
}

/// `v1.34.4`, or `v1.34.4 emulating 1.31`.
pub fn describe(choice: &Choice) -> String {
    match choice.emulated {
        Some(m) => format!("{} emulating 1.{m}", choice.build.version),
        None => choice.build.version.clone(),
    }
}

async fn readyz(client: &Client) -> bool {
    let Ok(request) = http::Request::get("/readyz").body(Vec::new()) else {
        return false;
    };
    client
        .request_text(request)
        .await
        .is_ok_and(|text| text.trim() == "ok")
}

async fn default_service_account(client: &Client) -> bool {
    let api: kube::Api<k8s_openapi::api::core::v1::ServiceAccount> =
        kube::Api::namespaced(client.clone(), "default");
    matches!(api.get_opt("default").await, Ok(Some(_)))
}

/// The last `lines` lines of a log, indented.
fn log_tail(path: &Path, lines: usize) -> String {
    let mut text = String::new();
    if let Ok(mut file) = std::fs::File::open(path) {
        let _ = file.read_to_string(&mut text);
    }
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..]
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cache entry is trusted only when its `kube-apiserver --version` says its name.
fn check_version(build: &Build) -> Result<(), Error> {
    let output = Command::new(build.dir.join("kube-apiserver"))
        .arg("--version")
        .output()
        .map_err(|e| {
            start_error(
                format!("cannot run `{}/kube-apiserver`: {e}", build.dir.display()),
                Some(format!(
                    "rebuild it with `{BUILD_COMMAND} {}`",
                    build.version
                )),
            )
        })?;
    let said = String::from_utf8_lossy(&output.stdout);
    let said = said.trim();
    if said == format!("Kubernetes {}", build.version) {
        return Ok(());
    }
    Err(start_error(
        format!(
            "`{}/kube-apiserver --version` says `{said}`, not `Kubernetes {}`",
            build.dir.display(),
            build.version
        ),
        Some(format!(
            "rebuild it with `rm -r {} && {BUILD_COMMAND} {}`",
            build.dir.display(),
            build.version
        )),
    ))
}

/// Removes the temporary directories of control planes whose jjo is gone (killed before its
/// watcher could run, or the machine went down); returns what was removed.
pub fn sweep_stale() -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(DIR_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<libc::pid_t>().ok())
        else {
            continue;
        };
        if pid as u32 == std::process::id() || process_exists(pid) {
            continue;
        }
        if std::fs::remove_dir_all(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

fn process_exists(pid: libc::pid_t) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_cache(releases: &[&str]) -> tempfile::TempDir {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().expect("temp dir");
        for release in releases {
            let dir = root.path().join(release);
            std::fs::create_dir_all(&dir).expect("dir");
            for bin in BINARIES {
                let path = dir.join(bin);
                std::fs::write(&path, "#!/bin/sh\n").expect("write");
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                    .expect("chmod");
            }
        }
        root
    }

    #[test]
    fn only_complete_builds_count() {
        let root = fake_cache(&["v1.37.2", "v1.34.4"]);
        std::fs::create_dir(root.path().join("v1.36.0.tmp")).expect("tmp");
        std::fs::create_dir(root.path().join("v1.35.0")).expect("empty");
        let found: Vec<String> = builds(root.path()).into_iter().map(|b| b.version).collect();
        assert_eq!(found, ["v1.34.4", "v1.37.2"]);
    }

    #[test]
    fn a_minor_picks_its_own_build_or_the_oldest_newer_one_that_emulates_it() {
        let root = fake_cache(&["v1.34.4", "v1.37.2"]);
        let all = builds(root.path());
        let pick = |m: Option<u8>| choose(root.path(), &all, m).map(|c| describe(&c));
        assert_eq!(pick(None).ok().as_deref(), Some("v1.37.2"));
        assert_eq!(
            pick(Some(31)).ok().as_deref(),
            Some("v1.34.4 emulating 1.31")
        );
        assert_eq!(pick(Some(34)).ok().as_deref(), Some("v1.34.4"));
        assert_eq!(
            pick(Some(35)).ok().as_deref(),
            Some("v1.37.2 emulating 1.35")
        );
        assert_eq!(pick(Some(37)).ok().as_deref(), Some("v1.37.2"));
        let err = pick(Some(30)).unwrap_err();
        assert!(err.to_string().contains("no build in"), "{err}");
        assert!(err.to_string().contains("v1.34.4 (1.31–1.34)"), "{err}");
        let err = pick(Some(38)).unwrap_err();
        assert!(err.hint().is_some_and(|h| h.contains("v1.N.P")), "{err}");
    }

    #[test]
    fn without_builds_the_error_names_the_build_command() {
        let root = fake_cache(&[]);
        let err = choose(root.path(), &[], Some(34)).unwrap_err();
        assert!(
            err.to_string()
                .contains("no Kubernetes control plane is built"),
            "{err}"
        );
        let hint = err.hint().unwrap_or_default();
        assert!(hint.contains("ci/control-plane/build v1.34.4"), "{hint}");
        assert!(hint.contains("ci/control-plane/build v1.37.2"), "{hint}");
    }

    #[test]
    fn an_only_older_build_that_cannot_emulate_names_the_release_to_build() {
        let root = fake_cache(&["v1.34.4"]);
        let all = builds(root.path());
        let err = choose(root.path(), &all, Some(36)).unwrap_err();
        assert_eq!(
            err.hint().as_deref(),
            Some(
                "build it with `ci/control-plane/build v1.37.2` (needs Go; minutes, once: cached)"
            )
        );
    }

    #[test]
    fn versions_are_read_loosely() {
        assert_eq!(parse_minor("1.31"), Some(31));
        assert_eq!(parse_minor("v1.33.1"), Some(33));
        assert_eq!(parse_minor("2.1"), None);
        assert_eq!(release_minor("v1.34.4"), Some(34));
        assert_eq!(release_minor("v1.34.4.tmp"), None);
    }

    #[test]
    fn a_build_whose_version_differs_is_not_trusted() {
        let root = fake_cache(&["v1.34.4"]);
        let build = builds(root.path()).remove(0);
        std::fs::write(
            build.dir.join("kube-apiserver"),
            "#!/bin/sh\necho Kubernetes v0.0.0-master\n",
        )
        .expect("write");
        let err = check_version(&build).unwrap_err();
        assert!(
            err.to_string().contains("says `Kubernetes v0.0.0-master`"),
            "{err}"
        );
    }

    #[test]
    fn stale_directories_of_dead_runs_are_swept_and_live_ones_kept() {
        // A PID that cannot exist (above pid_max's ceiling of 2^22).
        let dead =
            std::env::temp_dir().join(format!("{DIR_PREFIX}4999999-test{}", std::process::id()));
        let mine = tempfile::Builder::new()
            .prefix(&format!("{DIR_PREFIX}{}-", std::process::id()))
            .tempdir()
            .expect("dir");
        std::fs::create_dir_all(dead.join("logs")).expect("dead dir");
        let removed = sweep_stale();
        assert!(removed.contains(&dead), "{removed:?}");
        assert!(!dead.exists());
        assert!(mine.path().exists());
    }
}
