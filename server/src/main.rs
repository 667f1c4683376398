//! `trato-server` command line: `trato-server [--db FILE] [--listen ADDR] [--static DIR] [--demo]
//! [--demo-deals N] [--demo-open-deals N] [--secure-cookies]
//! [--public-url URL] [--mail-dir DIR] [--smtp HOST:PORT] [--mail-from ADDR] [--backend ORIGIN]... [--connector NAME=FILE]...
//! [--max-connections N] [--max-connections-per-ip N]`. Prints `listening on http://ADDR` once it accepts connections.

use std::net::SocketAddr;
use std::path::PathBuf;
use trato_server::{demo::DemoSize, start, Config};

fn usage() -> ! {
    eprintln!(
        "usage: trato-server [--db FILE] [--listen ADDR] [--static DIR] [--demo] [--demo-deals N] [--demo-open-deals N] [--secure-cookies] [--public-url URL] [--mail-dir DIR] [--smtp HOST:PORT] [--mail-from ADDR] [--backend ORIGIN]... [--connector NAME=FILE]... [--max-connections N] [--max-connections-per-ip N]\n\
         \n  --db FILE         SQLite database (default trato.sqlite)\
         \n  --listen ADDR     address to bind (default 127.0.0.1:8080; port 0 picks a free one)\
         \n  --static DIR      serve the built faces from DIR (desk/, portal/, widget/, demo/)\
         \n  --demo            seed the Spanish demo dataset when the database is empty\
         \n  --demo-deals N    number of demo deals (implies --demo; default 300)\
         \n  --demo-open-deals N  N open deals, all in the first pipeline (a large board for benchmarks)\
         \n  --secure-cookies  mark the session cookie Secure (when served over HTTPS)\
         \n  --public-url URL  base URL of links in mails (default http://<listen address>)\
         \n  --mail-dir DIR    also write every outgoing mail to DIR as an .eml file\
         \n  --smtp HOST:PORT  deliver outgoing mail through this SMTP relay\
         \n  --mail-from ADDR  sender address of outgoing mail\
         \n  --backend ORIGIN  another CRM backend the desk may connect to (for example a Tryton server; repeatable)\
         \n  --connector NAME=FILE  offer the desk the REST backend a connector file describes (repeatable)\
         \n  --max-connections N  open connections at most (default 1024, lowered to fit the open-file limit)\
         \n  --max-connections-per-ip N  open connections from one address at most (default 256; behind a proxy, raise it)"
    );
    std::process::exit(2)
}

fn parse_args() -> Config {
    let mut config = Config {
        db_path: PathBuf::from("trato.sqlite"),
        listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
        static_dir: None,
        demo: None,
        secure_cookies: false,
        public_url: None,
        mail: Default::default(),
        backends: vec![],
        limits: Default::default(),
        connectors: vec![],
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--db" => config.db_path = PathBuf::from(value()),
            "--listen" => config.listen = value().parse().unwrap_or_else(|_| usage()),
            "--static" => config.static_dir = Some(PathBuf::from(value())),
            "--demo" => config.demo = Some(config.demo.take().unwrap_or_default()),
            "--demo-deals" => {
                let deals = value().parse().unwrap_or_else(|_| usage());
                config.demo = Some(DemoSize { deals, ..config.demo.take().unwrap_or_default() });
            }
            "--demo-open-deals" => {
                let deals = value().parse().unwrap_or_else(|_| usage());
                config.demo = Some(DemoSize { deals, open_only: true, ..config.demo.take().unwrap_or_default() });
            }
            "--secure-cookies" => config.secure_cookies = true,
            "--public-url" => config.public_url = Some(value()),
            "--mail-dir" => config.mail.dir = Some(PathBuf::from(value())),
            "--smtp" => config.mail.smtp = Some(value()),
            "--mail-from" => config.mail.from = Some(value()),
            "--backend" => config.backends.push(value()),
            "--connector" => match trato_server::connectors::offered(&value()) {
                Ok(offered) => config.connectors.push(offered),
                Err(message) => {
                    eprintln!("{message}");
                    std::process::exit(2)
                }
            },
            "--max-connections" => config.limits.max_connections = value().parse().unwrap_or_else(|_| usage()),
            "--max-connections-per-ip" => config.limits.max_per_ip = value().parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    config
}

#[tokio::main]
async fn main() {
    // Logs go to standard error (standard output starts with the address, for scripts); `RUST_LOG` filters them.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let config = parse_args();
    let demo = config.demo.is_some();
    match start(config).await {
        Ok(running) => {
            println!("listening on http://{}", running.addr);
            if demo {
                println!("Demo logins (password \"{}\"):", trato_server::demo::DEMO_PASSWORD);
                for (_, name, email, role) in trato_server::demo::REPS {
                    println!("  {email}  {name} ({role})");
                }
                println!("Demo portal customers (sign in with a mailed link):");
                for (_, name, email, _, admin) in trato_server::demo_support::CUSTOMERS {
                    println!("  {email}  {name}{}", if admin { " (company admin)" } else { "" });
                }
            }
            tokio::select! {
                _ = running.task => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(error) => {
            eprintln!("trato-server: {error}");
            std::process::exit(1);
        }
    }
}
