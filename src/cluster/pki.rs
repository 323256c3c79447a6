//! A throwaway PKI for `--cluster local`: a CA, the API server's serving certificate for
//! 127.0.0.1, client certificates for jjo, the controller-manager and the scheduler, and
//! the service-account key pair, as kubeadm lays them out (`ca.crt`, `apiserver.crt`, `sa.key`,
//! `sa.pub`), written into the control plane's temporary directory.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

use super::Error;

/// The files a control plane needs, all under one directory.
#[derive(Debug, Clone)]
pub(crate) struct Pki {
    /// The CA certificate every component trusts (`--client-ca-file`, `--root-ca-file`).
    pub ca_cert: PathBuf,
    /// The CA's key (the controller-manager signs nothing with it here, but kubeadm's layout
    /// has it and `--cluster-signing-*` would need it).
    pub ca_key: PathBuf,
    /// The API server's serving certificate and key.
    pub serving: (PathBuf, PathBuf),
    /// jjo's client credentials: `system:masters`, as kubeadm's `admin.conf`.
    pub admin: (PathBuf, PathBuf),
    /// The controller-manager's: `system:kube-controller-manager`, bound by RBAC's bootstrap policy.
    pub controller_manager: (PathBuf, PathBuf),
    /// The scheduler's: `system:kube-scheduler`.
    pub scheduler: (PathBuf, PathBuf),
    /// The service-account signing key (private) and its public key.
    pub service_account: (PathBuf, PathBuf),
}

/// A failure to make or write a key or certificate.
fn fail(what: &str, err: impl std::fmt::Display) -> Error {
    Error::Backend {
        backend: "local",
        message: format!("cannot make the control plane's {what}: {err}"),
        hint: None,
    }
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| fail(&format!("`{}`", path.display()), e))
}

fn name(common: &str, organization: Option<&str>) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common);
    if let Some(org) = organization {
        dn.push(DnType::OrganizationName, org);
    }
    dn
}

impl Pki {
    /// Makes every key and certificate and writes them into `dir` (private keys 0600).
    pub(crate) fn create(dir: &Path) -> Result<Pki, Error> {
        std::fs::create_dir_all(dir).map_err(|e| fail("PKI directory", e))?;
        let ca_key = KeyPair::generate().map_err(|e| fail("CA key", e))?;
        let mut ca = CertificateParams::default();
        ca.distinguished_name = name("jjo-local-ca", None);
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key).map_err(|e| fail("CA", e))?;
        let pki = Pki {
            ca_cert: dir.join("ca.crt"),
            ca_key: dir.join("ca.key"),
            serving: (dir.join("apiserver.crt"), dir.join("apiserver.key")),
            admin: (dir.join("admin.crt"), dir.join("admin.key")),
            controller_manager: (
                dir.join("controller-manager.crt"),
                dir.join("controller-manager.key"),
            ),
            scheduler: (dir.join("scheduler.crt"), dir.join("scheduler.key")),
            service_account: (dir.join("sa.key"), dir.join("sa.pub")),
        };
        write(&pki.ca_cert, &ca_cert.pem())?;
        write_private(&pki.ca_key, &ca_key.serialize_pem())?;
        let issuer = Issuer::new(ca, ca_key);

        // The names a client inside a cluster would use too, as kubeadm's apiserver.crt has.
        let sans = [
            "127.0.0.1",
            "localhost",
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local",
            SERVICE_IP,
        ];
        let serving = CertificateParams::new(sans.map(str::to_string).to_vec())
            .map_err(|e| fail("serving certificate", e))?;
        leaf(
            serving,
            name("kube-apiserver", None),
            ExtendedKeyUsagePurpose::ServerAuth,
            &issuer,
            &pki.serving,
        )?;
        for (common, org, files) in [
            ("jjo", Some("system:masters"), &pki.admin),
            (
                "system:kube-controller-manager",
                None,
                &pki.controller_manager,
            ),
            ("system:kube-scheduler", None, &pki.scheduler),
        ] {
            leaf(
                CertificateParams::default(),
                name(common, org),
                ExtendedKeyUsagePurpose::ClientAuth,
                &issuer,
                files,
            )?;
        }
        let sa = KeyPair::generate().map_err(|e| fail("service-account key", e))?;
        write_private(&pki.service_account.0, &sa.serialize_pem())?;
        write(&pki.service_account.1, &sa.public_key_pem())?;
        Ok(pki)
    }
}

/// The first address of [`SERVICE_CIDR`]: the `kubernetes` Service's ClusterIP.
pub(crate) const SERVICE_IP: &str = "10.96.0.1";
/// The Service IP range (an allocation range only: nothing routes to it), as kubeadm's default.
pub(crate) const SERVICE_CIDR: &str = "10.96.0.0/12";

fn leaf(
    mut params: CertificateParams,
    dn: DistinguishedName,
    usage: ExtendedKeyUsagePurpose,
    issuer: &Issuer<'_, KeyPair>,
    (cert_path, key_path): &(PathBuf, PathBuf),
) -> Result<(), Error> {
    params.distinguished_name = dn;
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let key = KeyPair::generate().map_err(|e| fail("key", e))?;
    let cert = params
        .signed_by(&key, issuer)
        .map_err(|e| fail("certificate", e))?;
    write(cert_path, &cert.pem())?;
    write_private(key_path, &key.serialize_pem())
}

fn write_private(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| fail(&format!("`{}`", path.display()), e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| fail(&format!("`{}`", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_written_and_private_keys_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let pki = Pki::create(dir.path()).expect("pki");
        let ca = std::fs::read_to_string(&pki.ca_cert).expect("ca");
        assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
        for key in [
            &pki.ca_key,
            &pki.serving.1,
            &pki.admin.1,
            &pki.service_account.0,
        ] {
            let mode = std::fs::metadata(key).expect("key").permissions().mode();
            assert_eq!(mode & 0o077, 0, "{} is readable by others", key.display());
        }
        let public = std::fs::read_to_string(&pki.service_account.1).expect("sa.pub");
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"), "{public}");
    }
}
