//! The server's master key, and the encryption at rest of secrets the server must read back (ClassIn SECRETs).

use std::{fs, io::Write, path::Path};

use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::{
    aead::{Aead, KeyInit},
    XChaCha20Poly1305, XNonce,
};
use rand::RngCore;

/// 32 bytes, from `CLASSBRIDGE_MASTER_KEY` (base64 or hex) or from `master.key` in the data directory.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the master key must be 32 bytes, given as 64 hex digits or base64")]
    BadMasterKey,
    #[error("cannot read or write the master key file {path}: {message}")]
    KeyFile { path: String, message: String },
    #[error("a stored secret cannot be decrypted with this master key (was the key changed?)")]
    Decrypt,
}

impl MasterKey {
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let text = text.trim();
        let bytes = hex::decode(text)
            .ok()
            .or_else(|| STANDARD.decode(text).ok())
            .ok_or(SecretError::BadMasterKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| SecretError::BadMasterKey)?;
        Ok(Self(key))
    }

    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Self(key)
    }

    /// Reads `master.key` from the data directory, creating it (mode 0600) with a new key on first start.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, SecretError> {
        let path = data_dir.join("master.key");
        let file_error = |error: std::io::Error| SecretError::KeyFile {
            path: path.display().to_string(),
            message: error.to_string(),
        };
        match fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                classbridge_store::create_private_dir(data_dir).map_err(file_error)?;
                let key = Self::generate();
                let mut options = fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                match options.open(&path) {
                    Ok(mut file) => {
                        file.write_all(hex::encode(key.0).as_bytes())
                            .map_err(file_error)?;
                        Ok(key)
                    }
                    // Another process created it first: use theirs.
                    Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::parse(&fs::read_to_string(&path).map_err(file_error)?)
                    }
                    Err(error) => Err(file_error(error)),
                }
            }
            Err(error) => Err(file_error(error)),
        }
    }

    /// Encrypts with XChaCha20-Poly1305 under a random nonce: base64 of nonce ‖ ciphertext.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail");
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        STANDARD.encode(sealed)
    }

    pub fn decrypt(&self, sealed: &str) -> Result<String, SecretError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| SecretError::Decrypt)?;
        if bytes.len() < 24 {
            return Err(SecretError::Decrypt);
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let plaintext = cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| SecretError::Decrypt)?;
        String::from_utf8(plaintext).map_err(|_| SecretError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_fail_under_another_key() {
        let key = MasterKey::generate();
        let sealed = key.encrypt("s3cret");
        assert!(!sealed.contains("s3cret"));
        assert_eq!(key.decrypt(&sealed).unwrap(), "s3cret");
        assert!(MasterKey::generate().decrypt(&sealed).is_err());
    }

    #[test]
    fn master_key_file_is_created_once_and_reused() {
        let folder = std::env::temp_dir().join(format!("cb-key-{}", std::process::id()));
        let _ = fs::remove_dir_all(&folder);
        let first = MasterKey::load_or_create(&folder).unwrap();
        let second = MasterKey::load_or_create(&folder).unwrap();
        assert_eq!(first.0, second.0);
        let _ = fs::remove_dir_all(&folder);
    }

    #[test]
    fn master_key_parses_hex_and_base64_only_of_32_bytes() {
        assert!(MasterKey::parse(&"ab".repeat(32)).is_ok());
        assert!(MasterKey::parse(&STANDARD.encode([7u8; 32])).is_ok());
        assert!(MasterKey::parse("short").is_err());
    }
}
