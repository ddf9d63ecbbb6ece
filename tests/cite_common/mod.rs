pub mod statements;
pub mod treaties;
