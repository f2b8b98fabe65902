//! (placeholder until the generator branch lands in this session)
use std::path::PathBuf;
/// Options.
pub struct GenOptions {
    pub students: u32,
    pub seed: u64,
    pub out_dir: PathBuf,
}
/// Summary.
pub struct GenSummary {
    pub districts: u32,
    pub schools: u32,
    pub students: u32,
    pub files: Vec<PathBuf>,
}
/// Not built yet.
pub fn generate(_: &GenOptions) -> anyhow::Result<GenSummary> {
    anyhow::bail!("gen is not built yet")
}
