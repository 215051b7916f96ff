//! What ships in assets/ matches the binary.

mod common;

#[test]
fn shell_completions_are_current() {
    for shell in ["bash", "zsh", "fish"] {
        let out = common::obsmon()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let path = format!(
            "{}/assets/completions/obsmon.{shell}",
            env!("CARGO_MANIFEST_DIR")
        );
        let shipped = std::fs::read(&path).unwrap();
        assert!(
            shipped == out.stdout,
            "{path} is stale: regenerate with `obsmon completions {shell} > {path}`"
        );
    }
}
