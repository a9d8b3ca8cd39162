//! A throwaway PostgreSQL cluster of a test's own: it owns a temporary directory holding a
//! freshly initdb'ed data directory, a random superuser password, a test CA and a server
//! certificate for `localhost`, the server log and the socket directory, and it stops the
//! server (immediately) and deletes all of it when dropped. It exists because the machine's
//! own server trusts every local connection, so tests of roles, passwords and TLS need a
//! server where every connection (socket or TCP, plain or TLS) must prove a password by
//! SCRAM-SHA-256. Without initdb the test says it was skipped and passes; with
//! `FOURROADS_TEST_DATABASE_URL` set (CI), a cluster that cannot be made fails the test.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rand::distr::Alphanumeric;
use rand::{Rng, SeedableRng};
use tokio_postgres::NoTls;

use super::VAR;

/// The system user that owns the cluster when the tests run as root.
const OWNER: &str = "postgres";

/// A running PostgreSQL server of the test's own, listening on 127.0.0.1 only; stopped
/// and deleted on drop.
pub struct Cluster {
    /// Removed after the server is stopped (fields drop after `Drop::drop`).
    dir: tempfile::TempDir,
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    ca: PathBuf,
    port: u16,
    password: String,
    /// Running as root: PostgreSQL's programs run as [`OWNER`] through `runuser`.
    as_root: bool,
}

impl Cluster {
    /// Starts a fresh cluster, or returns `None` after saying "`test`: skipped: why" on
    /// stderr when initdb cannot be found (or, outside CI, when the cluster cannot be
    /// made). With `FOURROADS_TEST_DATABASE_URL` set, either is a panic instead.
    pub fn start(test: &str) -> Option<Cluster> {
        let Some(bin) = bin_dir() else {
            return give_up(
                test,
                "no PostgreSQL server programs (initdb not found through pg_config --bindir \
                 or under /usr/lib/postgresql/*/bin)",
            );
        };
        match Cluster::make(bin) {
            Ok(cluster) => Some(cluster),
            Err(why) => give_up(test, &why),
        }
    }

    /// `postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres`: the cluster's superuser.
    pub fn admin_url(&self) -> String {
        self.url_for(OWNER, Some(&self.password), "postgres")
    }

    /// `postgres://USER[:PASSWORD]@127.0.0.1:PORT/DATABASE`, each part percent-encoded.
    pub fn url_for(&self, user: &str, password: Option<&str>, database: &str) -> String {
        let user = percent_encode(user);
        let secret = match password {
            Some(password) => format!(":{}", percent_encode(password)),
            None => String::new(),
        };
        let database = percent_encode(database);
        format!(
            "postgres://{user}{secret}@127.0.0.1:{port}/{database}",
            port = self.port
        )
    }

    /// The superuser's password (user `postgres`).
    pub fn admin_password(&self) -> &str {
        &self.password
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The PEM file of the CA that signed the server's certificate (whose only name is
    /// `DNS:localhost`). When the `openssl` command was missing the server runs without
    /// TLS and this path does not exist: check `ca_file().exists()` first.
    pub fn ca_file(&self) -> &Path {
        &self.ca
    }

    /// The server log, for tests that want to look at what the server said.
    pub fn log_file(&self) -> &Path {
        &self.log
    }

    fn make(bin: PathBuf) -> Result<Cluster, String> {
        let as_root = effective_uid() == Some(0);
        let dir = tempfile::Builder::new()
            .prefix("fourroads-pg-")
            .tempdir_in(std::env::temp_dir())
            .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
        let root = dir.path().to_path_buf();
        let mut cluster = Cluster {
            data: root.join("data"),
            log: root.join("server.log"),
            ca: root.join("tls").join("ca.crt"),
            dir,
            bin,
            port: 0,
            password: random_password(),
            as_root,
        };
        // From here on a failure drops `cluster`, which stops anything that was started.
        set_mode(&root, 0o755)?;
        std::fs::create_dir(root.join("socket"))
            .map_err(|e| format!("cannot make the socket directory: {e}"))?;
        let pwfile = root.join("pwfile");
        std::fs::write(&pwfile, format!("{}\n", cluster.password))
            .map_err(|e| format!("cannot write the password file: {e}"))?;
        set_mode(&pwfile, 0o600)?;
        cluster.chown()?;

        let initdb = cluster.program("initdb");
        let output = cluster
            .command(&initdb)
            .arg("-D")
            .arg(&cluster.data)
            .arg("--auth=scram-sha-256")
            .arg(format!("--username={OWNER}"))
            .arg(format!("--pwfile={}", pwfile.display()))
            .args(["-E", "UTF8", "--locale=C", "--no-sync"])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", initdb.display()))?;
        let _ = std::fs::remove_file(&pwfile);
        if !output.status.success() {
            return Err(format!("initdb failed: {}", said(&output)));
        }

        std::fs::write(cluster.data.join("pg_hba.conf"), HBA)
            .map_err(|e| format!("cannot write pg_hba.conf: {e}"))?;
        if let Err(why) = cluster.make_certificates() {
            // No TLS then: `ca_file` names a file that does not exist.
            let _ = std::fs::remove_dir_all(root.join("tls"));
            eprintln!("test cluster without TLS: {why}");
        } else {
            let tls = root.join("tls");
            let settings = format!(
                "\n# fourroads test cluster\nssl = on\nssl_cert_file = {}\nssl_key_file = {}\n",
                conf_quote(&tls.join("server.crt")),
                conf_quote(&tls.join("server.key")),
            );
            let mut conf = std::fs::OpenOptions::new()
                .append(true)
                .open(cluster.data.join("postgresql.conf"))
                .map_err(|e| format!("cannot open postgresql.conf: {e}"))?;
            conf.write_all(settings.as_bytes())
                .map_err(|e| format!("cannot write postgresql.conf: {e}"))?;
        }
        cluster.chown()?;

        const ATTEMPTS: usize = 5;
        for attempt in 1..=ATTEMPTS {
            cluster.port = free_port()?;
            match cluster.start_server() {
                Ok(()) => return Ok(cluster),
                Err(Failure::PortTaken(_)) if attempt < ATTEMPTS => continue,
                Err(Failure::PortTaken(why) | Failure::Other(why)) => return Err(why),
            }
        }
        unreachable!("the last attempt returns")
    }

    /// `pg_ctl start`, waiting until the server takes connections.
    fn start_server(&self) -> Result<(), Failure> {
        let log_start = std::fs::metadata(&self.log).map(|m| m.len()).unwrap_or(0);
        let socket = self.dir.path().join("socket");
        let options = format!(
            "-p {port} -k {socket} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c max_connections=60",
            port = self.port,
            socket = shell_quote(&socket),
        );
        let pg_ctl = self.program("pg_ctl");
        let output = self
            .command(&pg_ctl)
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log)
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()
            .map_err(|e| Failure::Other(format!("cannot run {}: {e}", pg_ctl.display())))?;
        if output.status.success() {
            return Ok(());
        }
        // A server that did not come up in time may still be running: never leave it.
        self.stop();
        let log = log_tail(&self.log, log_start);
        let why = format!(
            "the test cluster did not start on port {}: {}\n--- server log ---\n{log}",
            self.port,
            said(&output),
        );
        if log.contains("could not bind")
            || log.contains("Address already in use")
            || log.contains("could not create any TCP/IP sockets")
        {
            Err(Failure::PortTaken(why))
        } else {
            Err(Failure::Other(why))
        }
    }

    /// A CA and a server certificate for `DNS:localhost` signed by it, in `ROOT/tls`.
    fn make_certificates(&self) -> Result<(), String> {
        let tls = self.dir.path().join("tls");
        std::fs::create_dir(&tls).map_err(|e| format!("cannot make {}: {e}", tls.display()))?;
        let config = tls.join("openssl.cnf");
        std::fs::write(&config, OPENSSL_CONFIG)
            .map_err(|e| format!("cannot write {}: {e}", config.display()))?;
        let serial: u64 = rand_chacha::ChaCha20Rng::from_seed(seed()).random();
        let steps: [Vec<String>; 3] = [
            [
                "req",
                "-x509",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "7",
                "-subj",
                "/CN=fourroads test CA",
                "-config",
                "openssl.cnf",
                "-extensions",
                "ca",
            ]
            .map(String::from)
            .to_vec(),
            [
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
                "-config",
                "openssl.cnf",
            ]
            .map(String::from)
            .to_vec(),
            [
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-set_serial",
                &format!("{}", serial >> 1),
                "-days",
                "7",
                "-out",
                "server.crt",
                "-extfile",
                "openssl.cnf",
                "-extensions",
                "server",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for step in steps {
            let output = Command::new("openssl")
                .args(&step)
                .current_dir(&tls)
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run openssl: {e}"))?;
            if !output.status.success() {
                return Err(format!("openssl {} failed: {}", step[0], said(&output)));
            }
        }
        for key in ["ca.key", "server.key"] {
            set_mode(&tls.join(key), 0o600)?;
        }
        Ok(())
    }

    /// `pg_ctl stop -m immediate`, and if a postmaster is still there, kill it by its id.
    fn stop(&self) {
        let pid_file = self.data.join("postmaster.pid");
        if !pid_file.exists() {
            return;
        }
        let _ = self
            .command(&self.program("pg_ctl"))
            .arg("stop")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "-t", "30"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let Some(pid) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|text| text.lines().next()?.trim().parse::<u32>().ok())
        else {
            return;
        };
        // Only if that id still belongs to this cluster's postmaster.
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let data = self.data.as_os_str().as_encoded_bytes();
        if cmdline.windows(data.len()).any(|window| window == data) {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }

    /// A program from the server's bin directory.
    fn program(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    /// Runs `program` as the cluster's owner, in the cluster's directory.
    fn command(&self, program: &Path) -> Command {
        let mut command = if self.as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", OWNER, "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        command.current_dir(self.dir.path()).stdin(Stdio::null());
        command
    }

    /// Hands everything under the temporary directory to the cluster's owner (as root).
    fn chown(&self) -> Result<(), String> {
        if !self.as_root {
            return Ok(());
        }
        let output = Command::new("chown")
            .arg("-R")
            .arg(format!("{OWNER}:{OWNER}"))
            .arg(self.dir.path())
            .output()
            .map_err(|e| format!("cannot run chown: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "cannot hand the cluster to the {OWNER} user: {}",
                said(&output)
            ))
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A plain (no TLS) connection, its connection task spawned on the current runtime.
pub async fn connect(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

enum Failure {
    /// Someone else took the port between choosing it and the server binding it.
    PortTaken(String),
    Other(String),
}

/// Every connection proves a password; nothing is trusted.
const HBA: &str = "\
# fourroads test cluster: every connection must prove a password.
# TYPE   DATABASE USER ADDRESS      METHOD
local    all      all               scram-sha-256
hostssl  all      all  127.0.0.1/32 scram-sha-256
hostssl  all      all  ::1/128      scram-sha-256
host     all      all  127.0.0.1/32 scram-sha-256
host     all      all  ::1/128      scram-sha-256
";

const OPENSSL_CONFIG: &str = "\
[req]
distinguished_name = dn
prompt = no

[dn]
CN = fourroads test

[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// Skips (or, in CI, fails) the test.
fn give_up(test: &str, why: &str) -> Option<Cluster> {
    if std::env::var_os(VAR).is_some() {
        panic!("{test}: {VAR} is set but no test PostgreSQL cluster could be made: {why}");
    }
    // Straight to stderr, past the test harness's capture, so the skip is seen.
    let _ = writeln!(std::io::stderr(), "{test}: skipped: {why}");
    None
}

/// `pg_config --bindir` if it has initdb, else the newest `/usr/lib/postgresql/*/bin` that
/// does.
fn bin_dir() -> Option<PathBuf> {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    if let Some(bin) = from_pg_config.filter(|bin| bin.join("initdb").is_file()) {
        return Some(bin);
    }
    let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(|part| part.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// The effective user id, from `/proc/self/status` or else `id -u`.
fn effective_uid() -> Option<u32> {
    let from_proc = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("Uid:"))?;
            line.split_whitespace().nth(2)?.parse().ok()
        });
    from_proc.or_else(|| {
        let output = Command::new("id").arg("-u").output().ok()?;
        String::from_utf8_lossy(&output.stdout).trim().parse().ok()
    })
}

/// 32 bytes from the kernel, or (if that fails) from UUIDv7 random bits and the clock.
fn seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    let from_kernel = std::fs::File::open("/dev/urandom")
        .and_then(|mut file| file.read_exact(&mut seed))
        .is_ok();
    if !from_kernel {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|since| since.as_nanos())
            .unwrap_or(0);
        seed[..16].copy_from_slice(uuid::Uuid::now_v7().as_bytes());
        let mixed = u128::from_le_bytes(*uuid::Uuid::now_v7().as_bytes()) ^ nanos;
        seed[16..].copy_from_slice(&mixed.to_le_bytes());
    }
    seed
}

/// 24 random letters and digits.
fn random_password() -> String {
    rand_chacha::ChaCha20Rng::from_seed(seed())
        .sample_iter(Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}

/// A port nobody listened on a moment ago.
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

fn set_mode(path: &Path, mode: u32) -> Result<(), String> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("cannot chmod {}: {e}", path.display()))
}

/// A command's stdout and stderr, for messages.
fn said(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let words: Vec<&str> = [stdout.trim(), stderr.trim()]
        .into_iter()
        .filter(|text| !text.is_empty())
        .collect();
    format!("{}: {}", output.status, words.join("\n"))
}

/// The last lines the server wrote to its log after byte `from`.
fn log_tail(log: &Path, from: u64) -> String {
    let text = std::fs::read(log).unwrap_or_default();
    let start = usize::try_from(from).unwrap_or(0).min(text.len());
    let text = String::from_utf8_lossy(&text[start..]);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// A path as one word for `/bin/sh` (pg_ctl runs the server through it).
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// A path as a postgresql.conf string.
fn conf_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// Everything but unreserved characters as `%XX`, for the parts of a URL.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}
