//! `trato-cli`: checks a CRM backend against what Trato's desk needs, and exports its records.
//!
//! ```text
//! trato-cli check  --url URL [--tryton DATABASE | --connector FILE]
//! trato-cli export --url URL [--tryton DATABASE | --connector FILE] --out DIR
//! ```
//!
//! Credentials come from `TRATO_USER` and `TRATO_PASSWORD` (for a token backend, the token is the password), or
//! a prompt; never from the command line, where other users of the machine could read them. Without
//! `--tryton` or `--connector`, the backend speaks the Trato protocol.

mod backend;
mod check;
mod export;

use std::process::ExitCode;

const USAGE: &str = "usage:
  trato-cli check  --url URL [--tryton DATABASE | --connector FILE]
  trato-cli export --url URL [--tryton DATABASE | --connector FILE] --out DIR

  --url URL          the backend's address (for a connector file, its base_url when omitted)
  --tryton DATABASE  a Tryton server's database
  --connector FILE   a connector file describing a REST backend
  --out DIR          where export writes one JSON Lines file per kind of record

Credentials: TRATO_USER and TRATO_PASSWORD, or asked for.";

/// What the command line asked for.
struct Args {
    command: String,
    url: Option<String>,
    tryton: Option<String>,
    connector: Option<String>,
    out: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let command = args.next().ok_or("no command")?;
    let mut parsed = Args { command, url: None, tryton: None, connector: None, out: None };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => parsed.url = Some(value()?),
            "--tryton" => parsed.tryton = Some(value()?),
            "--connector" => parsed.connector = Some(value()?),
            "--out" => parsed.out = Some(value()?),
            "--user" | "--password" | "--token" => {
                return Err(format!("{arg}: credentials go in TRATO_USER and TRATO_PASSWORD, never the command line"))
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("trato-cli: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let target = match backend::Target::from_args(&args.url, &args.tryton, &args.connector) {
        Ok(target) => target,
        Err(message) => {
            eprintln!("trato-cli: {message}");
            return ExitCode::from(2);
        }
    };
    match args.command.as_str() {
        "check" => check::run(&target).await,
        "export" => match &args.out {
            Some(out) => export::run(&target, std::path::Path::new(out)).await,
            None => {
                eprintln!("trato-cli: export needs --out DIR\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        other => {
            eprintln!("trato-cli: unknown command {other}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
