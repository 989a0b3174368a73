//! The situation picture computation (see ARCHITECTURE.md).
