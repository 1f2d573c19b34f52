//! The handle the wire adapters hold: every use case they call takes a `&Service`, and the storage it wraps stays
//! inside this crate (there is no public way to reach it), so the api crate cannot talk to the database directly.

use classbridge_store::Store;

/// The use cases' handle on the database. Cheap to clone (the store is a shared pool).
#[derive(Clone)]
pub struct Service {
    store: Store,
}

impl Service {
    /// The handle over `store` (built by the composition root, the server).
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The storage, for the use cases of this crate only.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

impl std::fmt::Debug for Service {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Service")
    }
}
