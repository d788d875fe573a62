//! The README's walk-through, run verbatim against the real binary: it must stay true.

use std::process::Command;

use crate::support::start_server;

const README: &str = include_str!("../../../../README.md");

/// The `sh` blocks between two headings, minus the lines that set `KEY` and `API`, which the
/// reader fills in by hand.
fn walkthrough() -> String {
    let start = README
        .find("## Walk-through")
        .expect("a walk-through section");
    let end = README[start..]
        .find("\n## Configuration")
        .map_or(README.len(), |e| start + e);
    let mut script = String::new();
    let mut in_block = false;
    for line in README[start..end].lines() {
        match line.trim_start() {
            "```sh" => in_block = true,
            "```" => in_block = false,
            l if in_block && !l.starts_with("export KEY=") && !l.starts_with("export API=") => {
                script.push_str(line);
                script.push('\n');
            }
            _ => {}
        }
    }
    script
}

#[tokio::test]
async fn the_readme_walkthrough_works_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("readme.db").display());
    let (server, key) = start_server(&url, true);
    let script = walkthrough();
    assert!(script.contains("curl"), "the walk-through has no commands");
    let workdir = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .current_dir(workdir)
            .args(["-c", &format!("set -euo pipefail\n{script}")])
            .env("KEY", key.unwrap())
            .env("API", &server.base)
            .output()
            .expect("bash runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the walk-through failed:\n{stdout}\n{stderr}"
    );
    for expected in [
        "\"payable\": \"1306.80\"",
        "\"code\": \"invoice_not_editable\"",
        "\"paid\"",
        "CN-",
        "\"read\"",
        "\"rule\": \"",
        "\"fatal\": 0",
        "\"direction\": \"incoming\"",
        "\"disputed\"",
        "idempotent-replayed: true",
    ] {
        assert!(
            stdout.contains(expected),
            "`{expected}` missing from the walk-through's output:\n{stdout}"
        );
    }
}

/// The README's operator example, run verbatim against a server with an admin token (the line
/// that makes one up is the reader's; the test's server has its own).
#[tokio::test]
async fn the_readme_operating_example_works_verbatim() {
    let start = README.find("## Operating").expect("an operating section");
    let end = README[start..]
        .find("\n## The CLI")
        .map_or(README.len(), |e| start + e);
    let section = &README[start..end];
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("an sh block");
    let script: String = block
        .lines()
        .filter(|l| !l.starts_with("export INVOICER_ADMIN_TOKEN="))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("operating.db").display());
    let token = "readme-operator-token-0123456789abcdef";
    let (server, _) =
        crate::support::start_server_with(&url, true, &[("INVOICER_ADMIN_TOKEN", token)]);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .args(["-c", &format!("set -euo pipefail\n{script}")])
            .env("API", &server.base)
            .env("INVOICER_ADMIN_TOKEN", token)
            .output()
            .expect("bash runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the operating example failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("inv_live_"), "{stdout}");
    assert!(
        stdout.contains("\"resource\": \"api_keys\"") && stdout.contains("\"limit\": 20"),
        "{stdout}"
    );
}
