//! A job's stored payload read back as a byte stream, chunk by chunk from the database, for the streaming parser
//! (which runs on a blocking thread).

use std::io::{self, Read};

use classbridge_store::{jobs::JobLease, Store};
use tokio::runtime::Handle;

pub struct PayloadReader {
    store: Store,
    lease: JobLease,
    runtime: Handle,
    next_sequence: i64,
    chunk: Vec<u8>,
    offset: usize,
    finished: bool,
}

impl PayloadReader {
    /// `runtime` is the async runtime the store's pools live on; `read` must be called off its threads.
    pub fn new(store: Store, lease: JobLease, runtime: Handle) -> Self {
        Self {
            store,
            lease,
            runtime,
            next_sequence: 0,
            chunk: Vec::new(),
            offset: 0,
            finished: false,
        }
    }
}

impl Read for PayloadReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.offset == self.chunk.len() {
            if self.finished {
                return Ok(0);
            }
            let next = self
                .runtime
                .block_on(self.store.payload_chunk(&self.lease, self.next_sequence))
                .map_err(io::Error::other)?;
            match next {
                Some(chunk) => {
                    self.chunk = chunk;
                    self.offset = 0;
                    self.next_sequence += 1;
                }
                None => self.finished = true,
            }
        }
        let count = buffer.len().min(self.chunk.len() - self.offset);
        buffer[..count].copy_from_slice(&self.chunk[self.offset..self.offset + count]);
        self.offset += count;
        Ok(count)
    }
}
