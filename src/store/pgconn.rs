//! Connecting to PostgreSQL as libpq's users expect: a `postgres://` URL, with what it leaves
//! out taken from `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, the password file
//! (`PGPASSFILE`, else `~/.pgpass`) and `PGSSLMODE`; TLS by `sslmode` (`disable`, `allow`,
//! `prefer`, `require`, `verify-ca`, `verify-full`) with rustls. The password is never part of
//! a message: [`redacted`] shows the URL without it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use postgres::config::{Host, SslMode};

use super::StoreError;

/// `url` without its password (in the user part or as a `password=` parameter).
pub fn redacted(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    // The user part ends at the last `@`: a password may hold `/`, `?` or `#` (unescaped,
    // the client library still reads it so). A `@` later in the URL hides more than the
    // password, never less.
    let mut out = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{}{user}{hidden}{}", &url[..scheme_end + 3], &rest[at..])
        }
        None => url.to_string(),
    };
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let parts: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k == "password" => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{base}{}", parts.join("&"));
    }
    out
}

/// Whether `s` names a PostgreSQL database rather than a file.
pub fn is_postgres_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// How a connection is encrypted.
#[derive(Clone)]
pub(crate) enum Tls {
    Plain,
    Rustls(tokio_postgres_rustls::MakeRustlsConnect),
}

/// What to connect to, and how.
pub(crate) struct Target {
    pub config: postgres::Config,
    /// The URL without its password.
    pub url: String,
    pub tls: Tls,
}

/// The `sslmode`s libpq knows, in its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

fn parse_mode(s: &str) -> Option<Mode> {
    Some(match s {
        "disable" => Mode::Disable,
        "allow" => Mode::Allow,
        "prefer" => Mode::Prefer,
        "require" => Mode::Require,
        "verify-ca" => Mode::VerifyCa,
        "verify-full" => Mode::VerifyFull,
        _ => return None,
    })
}

/// `%XX` decoded.
fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads `url` and the environment into a [`Target`].
pub(crate) fn target(url: &str) -> Result<Target, StoreError> {
    let shown = redacted(url);
    let fail = |m: String| StoreError::Postgres {
        url: shown.clone(),
        message: m,
    };
    // The TLS parameters are concord's to read (the client library knows fewer modes).
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let mut sslmode = None;
    let mut rootcert = None;
    for kv in query.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k {
            "sslmode" => {
                sslmode = Some(parse_mode(&percent_decoded(v)).ok_or_else(|| {
                    fail(format!(
                        "sslmode={v} is not a mode; use disable, allow, prefer, require, verify-ca or verify-full"
                    ))
                })?)
            }
            "sslrootcert" => rootcert = Some(percent_decoded(v)),
            _ => kept.push(kv),
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config = postgres::Config::from_str(&rest).map_err(|e| {
        fail(format!(
            "not a PostgreSQL URL this concord reads: {}",
            super::db::pg_message(&e)
        ))
    })?;
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        match env("PGHOST") {
            Some(h) if h.starts_with('/') => {
                config.host_path(h);
            }
            Some(h) => {
                config.host(&h);
            }
            None if Path::new("/var/run/postgresql").is_dir() => {
                config.host_path("/var/run/postgresql");
            }
            None => {
                config.host("localhost");
            }
        }
    }
    if config.get_ports().is_empty()
        && let Some(p) = env("PGPORT")
    {
        let port = p
            .parse()
            .map_err(|_| fail(format!("PGPORT={p} is not a port")))?;
        config.port(port);
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .or_else(|| env("LOGNAME"))
            .unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_dbname().is_none()
        && let Some(d) = env("PGDATABASE")
    {
        config.dbname(&d);
    }
    if config.get_password().is_none() {
        if let Some(p) = env("PGPASSWORD") {
            config.password(p);
        } else if let Some(p) = from_password_file(&config) {
            config.password(p);
        }
    }
    config.application_name("concord");
    let mode = match sslmode {
        Some(m) => m,
        None => match env("PGSSLMODE") {
            Some(m) => parse_mode(&m).ok_or_else(|| {
                fail(format!(
                    "PGSSLMODE={m} is not a mode; use disable, allow, prefer, require, verify-ca or verify-full"
                ))
            })?,
            None => Mode::Prefer,
        },
    };
    let rootcert = rootcert.or_else(|| env("PGSSLROOTCERT"));
    let tls = match mode {
        Mode::Disable => {
            config.ssl_mode(SslMode::Disable);
            Tls::Plain
        }
        Mode::Allow | Mode::Prefer => {
            config.ssl_mode(SslMode::Prefer);
            Tls::Rustls(rustls_connect(None, false)?)
        }
        Mode::Require => {
            config.ssl_mode(SslMode::Require);
            // As libpq: with a root certificate given, `require` verifies the chain.
            match rootcert.as_deref() {
                Some(r) => Tls::Rustls(rustls_connect(Some(roots(r).map_err(&fail)?), false)?),
                None => Tls::Rustls(rustls_connect(None, false)?),
            }
        }
        Mode::VerifyCa | Mode::VerifyFull => {
            config.ssl_mode(SslMode::Require);
            let default = dirs::home_dir().map(|h| h.join(".postgresql/root.crt"));
            let file = match rootcert {
                Some(r) => r,
                None => match default.filter(|p| p.is_file()) {
                    Some(p) => p.to_string_lossy().into_owned(),
                    None => {
                        return Err(fail(
                            "sslmode=verify-ca and verify-full check the server's certificate against a root certificate, and none was given: name one with sslrootcert=FILE (or PGSSLROOTCERT, or ~/.postgresql/root.crt), or sslrootcert=system for the usual public authorities".into(),
                        ));
                    }
                },
            };
            Tls::Rustls(rustls_connect(
                Some(roots(&file).map_err(&fail)?),
                mode == Mode::VerifyFull,
            )?)
        }
    };
    Ok(Target {
        config,
        url: shown,
        tls,
    })
}

/// The root certificates of `file` (PEM), or the public authorities for `system`.
fn roots(file: &str) -> Result<rustls::RootCertStore, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut store = rustls::RootCertStore::empty();
    if file == "system" {
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(store);
    }
    let certs = CertificateDer::pem_file_iter(file)
        .map_err(|e| format!("sslrootcert {file}: {e}"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("sslrootcert {file}: {e}"))?;
    if certs.is_empty() {
        return Err(format!("sslrootcert {file}: no certificate in it"));
    }
    for c in certs {
        store
            .add(c)
            .map_err(|e| format!("sslrootcert {file}: {e}"))?;
    }
    Ok(store)
}

/// A rustls connector: the chain checked against `roots` (the host name too when `names`), or,
/// without roots, encryption only (libpq's `require` and `prefer`).
fn rustls_connect(
    roots: Option<rustls::RootCertStore>,
    names: bool,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    // ring rather than aws-lc-rs, which needs CMake to build; its key exchanges are the
    // classical ones, which is what PostgreSQL servers offer.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Query(format!("TLS: {e}")))?;
    let config = match roots {
        Some(roots) => {
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| StoreError::Query(format!("TLS: {e}")))?;
            if names {
                builder.with_webpki_verifier(webpki).with_no_client_auth()
            } else {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(verify::ChainOnly(webpki)))
                    .with_no_client_auth()
            }
        }
        None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verify::EncryptOnly(provider)))
            .with_no_client_auth(),
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The certificate checks of `require` and `verify-ca`, which rustls leaves to its users.
mod verify {
    use std::sync::Arc;

    use rustls::DigitallySignedStruct;
    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

    /// `require`: any certificate, the handshake's signatures still checked.
    #[derive(Debug)]
    pub struct EncryptOnly(pub Arc<CryptoProvider>);

    impl ServerCertVerifier for EncryptOnly {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }

    /// `verify-ca`: the chain must lead to a root, whatever host name the certificate gives.
    #[derive(Debug)]
    pub struct ChainOnly(pub Arc<WebPkiServerVerifier>);

    impl ServerCertVerifier for ChainOnly {
        fn verify_server_cert(
            &self,
            end: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            name: &ServerName<'_>,
            ocsp: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            use rustls::{CertificateError, Error};
            match self
                .0
                .verify_server_cert(end, intermediates, name, ocsp, now)
            {
                Err(Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.0.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.supported_verify_schemes()
        }
    }
}

/// The password the password file gives for this connection (libpq's rules: the first line
/// whose host, port, database and user match, `*` matching anything; a file others may read
/// is not used).
fn from_password_file(config: &postgres::Config) -> Option<String> {
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".pgpass")))?;
    let text = std::fs::read_to_string(&file).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            eprintln!(
                "warning: {}: others may read this password file (permissions {:o}); it is not used: `chmod 0600 {}`",
                file.display(),
                mode & 0o777,
                file.display()
            );
            return None;
        }
    }
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        // libpq matches a socket connection as `localhost`.
        _ => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or("").to_string();
    let db = config.get_dbname().unwrap_or(&user).to_string();
    password_for(&text, &host, &port, &db, &user)
}

/// The password of the first line of a password file's `text` that matches.
fn password_for(text: &str, host: &str, port: &str, db: &str, user: &str) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = pgpass_fields(line);
        if fields.len() < 5 {
            continue;
        }
        let ok = |f: &str, v: &str| f == "*" || f == v;
        if ok(&fields[0], host)
            && ok(&fields[1], port)
            && ok(&fields[2], db)
            && ok(&fields[3], user)
        {
            return Some(fields[4..].join(":"));
        }
    }
    None
}

/// A password-file line's fields: `:` separates, `\:` and `\\` are themselves.
fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(f)) = (chars.next(), fields.last_mut()) {
                    f.push(n);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

/// Connects to `target`.
pub(crate) fn connect(target: &Target) -> Result<postgres::Client, StoreError> {
    let r = match &target.tls {
        Tls::Plain => target.config.connect(postgres::NoTls),
        Tls::Rustls(t) => target.config.connect(t.clone()),
    };
    r.map_err(|e| StoreError::Postgres {
        url: target.url.clone(),
        message: super::db::pg_message(&e),
    })
}

/// Cancels the statement `token`'s session runs (Ctrl-C).
pub(crate) fn cancel(token: &postgres::CancelToken, tls: &Tls) {
    let _ = match tls {
        Tls::Plain => token.cancel_query(postgres::NoTls),
        Tls::Rustls(t) => token.cancel_query(t.clone()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redacted("postgres://ann:s3cret@db.example:5432/desk?sslmode=require"),
            "postgres://ann:***@db.example:5432/desk?sslmode=require"
        );
        assert_eq!(
            redacted("postgres://ann@host/desk"),
            "postgres://ann@host/desk"
        );
        assert_eq!(redacted("postgresql://host/desk"), "postgresql://host/desk");
        assert_eq!(redacted("postgres://a:b:c@h/d"), "postgres://a:***@h/d");
        for password in ["wrong/pass", "wr?ng", "a#b", "x@y", "p/a?s#s@w"] {
            let shown = redacted(&format!("postgres://ann:{password}@127.0.0.1:5432/desk"));
            assert_eq!(
                shown, "postgres://ann:***@127.0.0.1:5432/desk",
                "{password}"
            );
        }
        assert_eq!(
            redacted("postgres://h/d?user=ann&password=s3cret&sslmode=verify-full"),
            "postgres://h/d?user=ann&password=***&sslmode=verify-full"
        );
    }

    #[test]
    fn the_password_file_gives_the_first_line_that_matches() {
        let file = "# comment\n\
                    db.example:5432:desk:ann:first\n\
                    *:*:desk:ann:second\n\
                    *:*:*:*:any\\:thing\\\\:more\n";
        let p = |h, port, d, u| password_for(file, h, port, d, u);
        assert_eq!(
            p("db.example", "5432", "desk", "ann").as_deref(),
            Some("first")
        );
        assert_eq!(p("other", "5433", "desk", "ann").as_deref(), Some("second"));
        assert_eq!(
            p("other", "5433", "x", "bob").as_deref(),
            Some("any:thing\\:more")
        );
        assert_eq!(password_for("h:1:d:u:pw", "h", "2", "d", "u"), None);
    }

    #[test]
    fn tls_modes_are_libpqs() {
        for m in ["disable", "allow", "prefer", "require"] {
            let t = target(&format!("postgres://u@127.0.0.1:1/d?sslmode={m}")).expect(m);
            assert_eq!(t.url, format!("postgres://u@127.0.0.1:1/d?sslmode={m}"));
        }
        let err = target("postgres://u@h/d?sslmode=sometimes")
            .err()
            .expect("refused");
        assert!(
            err.to_string().contains("sslmode=sometimes is not a mode"),
            "{err}"
        );
        let err = target("postgres://u@h/d?sslmode=verify-full&sslrootcert=/no/such/file")
            .err()
            .expect("refused");
        assert!(
            err.to_string().contains("sslrootcert /no/such/file"),
            "{err}"
        );
        assert!(target("postgres://u@h/d?sslmode=verify-full&sslrootcert=system").is_ok());
    }
}
