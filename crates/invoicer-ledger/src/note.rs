//! C2SP signed notes with Ed25519 keys, wire-compatible with Go's
//! `golang.org/x/mod/sumdb/note`.
//!
//! A note is text followed by a blank line and one signature line per key:
//! `— <key name> <base64(key id || signature)>`. The key id is a short hint
//! derived from name, algorithm and public key; it only selects which trusted
//! key to try, the signature is what proves anything. Verifiers ignore
//! signatures from keys they do not know, which lets witnesses add cosignatures
//! and lets a log rotate keys without breaking old clients.
//!
//! Spec: <https://c2sp.org/signed-note>.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};

/// Signature type byte of Ed25519 in key ids and key strings.
pub const ED25519_ALGORITHM: u8 = 0x01;

/// Most signature lines a note may carry before it is refused unread, so that
/// a hostile note cannot make a verifier loop over millions of lines. The spec
/// requires accepting at least 16; Go's implementation stops at 100.
pub const MAX_SIGNATURES: usize = 100;

const SIGNATURE_PREFIX: &str = "\u{2014} ";
const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// Everything that can be wrong with a key string, a note, or a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("invalid key name {0:?}: must be non-empty without spaces or '+'")]
    InvalidKeyName(String),
    #[error("malformed verifier key: {0}")]
    MalformedVerifierKey(&'static str),
    #[error("malformed private key: {0}")]
    MalformedPrivateKey(&'static str),
    #[error("unsupported signature algorithm 0x{0:02x}; only Ed25519 (0x01) is supported")]
    UnsupportedAlgorithm(u8),
    #[error("key id {found:08x} does not match the key, which has id {expected:08x}")]
    KeyIdMismatch { expected: u32, found: u32 },
    #[error("note text must end with a newline")]
    TextNotNewlineTerminated,
    #[error("note is not valid UTF-8")]
    InvalidUtf8,
    #[error("note contains a control character other than newline")]
    ControlCharacter,
    #[error("note has no blank line separating text from signatures")]
    MissingSignatureBlock,
    #[error("note signature block must be non-empty and end with a newline")]
    UnterminatedSignatureBlock,
    #[error("malformed signature line {0:?}")]
    MalformedSignatureLine(String),
    #[error("note carries more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
    #[error("more than one trusted key is named {name} with id {key_id:08x}")]
    AmbiguousKey { name: String, key_id: u32 },
    #[error("signature by trusted key {name} ({key_id:08x}) does not verify")]
    InvalidSignature { name: String, key_id: u32 },
    #[error("note carries no signature from a trusted key ({unknown} from unknown keys)")]
    NoTrustedSignature { unknown: usize },
    #[error("no signer given")]
    NoSigners,
}

/// Key id of an Ed25519 key: the first four bytes, big-endian, of
/// SHA-256(name || "\n" || 0x01 || public key).
pub fn key_id(name: &str, public_key: &VerifyingKey) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', ED25519_ALGORITHM]);
    hasher.update(public_key.as_bytes());
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Key names end up inside signature lines and `+`-separated key strings, so
/// spaces and `+` would make those ambiguous.
fn check_key_name(name: &str) -> Result<(), NoteError> {
    let valid = !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control());
    if valid {
        Ok(())
    } else {
        Err(NoteError::InvalidKeyName(name.to_owned()))
    }
}

/// Splits `<name>+<hex id>+<base64(alg || key)>`, the tail shared by verifier
/// and private key strings, checking the parts that do not depend on the key.
fn split_key_string(text: &str) -> Option<(&str, u32, Vec<u8>)> {
    let (name, rest) = text.split_once('+')?;
    let (id_hex, key_b64) = rest.split_once('+')?;
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let id = u32::from_str_radix(id_hex, 16).ok()?;
    let key = BASE64.decode(key_b64).ok()?;
    Some((name, id, key))
}

/// Takes the algorithm byte off key material and insists on Ed25519.
fn ed25519_key_bytes(material: &[u8]) -> Result<[u8; 32], NoteError> {
    match material.split_first() {
        Some((&ED25519_ALGORITHM, key)) => key
            .try_into()
            .map_err(|_| NoteError::MalformedVerifierKey("Ed25519 key is not 32 bytes")),
        Some((&other, _)) => Err(NoteError::UnsupportedAlgorithm(other)),
        None => Err(NoteError::MalformedVerifierKey("empty key material")),
    }
}

/// A named Ed25519 signing key, the log's identity.
#[derive(Clone)]
pub struct Signer {
    name: String,
    key: SigningKey,
    key_id: u32,
}

impl fmt::Debug for Signer {
    /// Keeps the private key out of logs and panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl Signer {
    pub fn new(name: &str, key: SigningKey) -> Result<Signer, NoteError> {
        check_key_name(name)?;
        let key_id = key_id(name, &key.verifying_key());
        Ok(Signer {
            name: name.to_owned(),
            key,
            key_id,
        })
    }

    /// A signer from a 32-byte Ed25519 seed (the RFC 8032 private key).
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Signer, NoteError> {
        Signer::new(name, SigningKey::from_bytes(seed))
    }

    /// A fresh key from the caller's cryptographic RNG.
    pub fn generate<R: CryptoRngCore + ?Sized>(
        name: &str,
        rng: &mut R,
    ) -> Result<Signer, NoteError> {
        Signer::new(name, SigningKey::generate(rng))
    }

    /// Parses Go's private key string,
    /// `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    pub fn from_private_key(text: &str) -> Result<Signer, NoteError> {
        let rest = text
            .strip_prefix(PRIVATE_KEY_PREFIX)
            .ok_or(NoteError::MalformedPrivateKey(
                "missing PRIVATE+KEY+ prefix",
            ))?;
        let (name, id, material) =
            split_key_string(rest).ok_or(NoteError::MalformedPrivateKey("not name+id+key"))?;
        let seed = ed25519_key_bytes(&material).map_err(|e| match e {
            NoteError::MalformedVerifierKey(_) => {
                NoteError::MalformedPrivateKey("Ed25519 seed is not 32 bytes")
            }
            other => other,
        })?;
        let signer = Signer::from_seed(name, &seed)?;
        if signer.key_id != id {
            return Err(NoteError::KeyIdMismatch {
                expected: signer.key_id,
                found: id,
            });
        }
        Ok(signer)
    }

    /// The private key string; treat it as a secret.
    pub fn private_key(&self) -> String {
        let mut material = vec![ED25519_ALGORITHM];
        material.extend_from_slice(self.key.as_bytes());
        format!(
            "{PRIVATE_KEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            BASE64.encode(material)
        )
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The public half, to hand to clients.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            key: self.key.verifying_key(),
            key_id: self.key_id,
        }
    }

    /// Signs `text` into a note carrying this one signature.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        sign_note(text, &[self])
    }

    fn signature_line(&self, text: &str) -> String {
        let signature: Signature = self.key.sign(text.as_bytes());
        let mut payload = self.key_id.to_be_bytes().to_vec();
        payload.extend_from_slice(&signature.to_bytes());
        format!(
            "{SIGNATURE_PREFIX}{} {}\n",
            self.name,
            BASE64.encode(payload)
        )
    }
}

/// Signs `text` with every signer, producing the note.
///
/// The text must end in a newline and contain no other control characters,
/// because the note format cannot represent anything else unambiguously.
pub fn sign_note(text: &str, signers: &[&Signer]) -> Result<String, NoteError> {
    if signers.is_empty() {
        return Err(NoteError::NoSigners);
    }
    if !text.ends_with('\n') {
        return Err(NoteError::TextNotNewlineTerminated);
    }
    check_control_characters(text)?;
    let mut note = String::with_capacity(text.len() + 1 + signers.len() * 120);
    note.push_str(text);
    note.push('\n');
    for signer in signers {
        note.push_str(&signer.signature_line(text));
    }
    Ok(note)
}

fn check_control_characters(text: &str) -> Result<(), NoteError> {
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::ControlCharacter);
    }
    Ok(())
}

/// A named Ed25519 public key trusted to sign notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key: VerifyingKey,
    key_id: u32,
}

impl Verifier {
    pub fn new(name: &str, key: VerifyingKey) -> Result<Verifier, NoteError> {
        check_key_name(name)?;
        Ok(Verifier {
            name: name.to_owned(),
            key_id: key_id(name, &key),
            key,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Whether `signature` is this key's signature of `message`, under the
    /// same RFC 8032 rules as Go's `crypto/ed25519` so both accept the same notes.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature)
            .map(|signature| self.key.verify(message, &signature).is_ok())
            .unwrap_or(false)
    }
}

impl fmt::Display for Verifier {
    /// The verifier key string, `<name>+<hex id>+<base64(0x01 || public key)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut material = vec![ED25519_ALGORITHM];
        material.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            BASE64.encode(material)
        )
    }
}

impl FromStr for Verifier {
    type Err = NoteError;

    /// Parses a verifier key string and checks that its id matches its key, so
    /// a typo in a configured key fails loudly instead of ignoring every note.
    fn from_str(text: &str) -> Result<Verifier, NoteError> {
        let (name, id, material) =
            split_key_string(text).ok_or(NoteError::MalformedVerifierKey("not name+id+key"))?;
        let bytes = ed25519_key_bytes(&material)?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| NoteError::MalformedVerifierKey("not a valid Ed25519 public key"))?;
        let verifier = Verifier::new(name, key)?;
        if verifier.key_id != id {
            return Err(NoteError::KeyIdMismatch {
                expected: verifier.key_id,
                found: id,
            });
        }
        Ok(verifier)
    }
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    /// The base64 text of key id and signature, as it appeared.
    pub base64: String,
}

/// A note whose signatures were checked against trusted keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    /// Signatures by trusted keys, all verified.
    pub verified: Vec<NoteSignature>,
    /// Signatures by keys not in the trusted set, not checked.
    pub unverified: Vec<NoteSignature>,
}

/// Parses a note and verifies it against the trusted keys.
///
/// A note is accepted when at least one signature is by a trusted key and
/// every signature by a trusted key verifies; one bad signature from a trusted
/// key rejects the whole note, since it shows tampering.
pub fn open_note(note: &[u8], trusted: &[Verifier]) -> Result<Note, NoteError> {
    let note = std::str::from_utf8(note).map_err(|_| NoteError::InvalidUtf8)?;
    check_control_characters(note)?;
    // The text may itself contain blank lines; signatures never do, so the
    // last blank line is the separator.
    let split = note.rfind("\n\n").ok_or(NoteError::MissingSignatureBlock)?;
    let (text, signatures) = (&note[..=split], &note[split + 2..]);
    let Some(signatures) = signatures.strip_suffix('\n') else {
        return Err(NoteError::UnterminatedSignatureBlock);
    };

    let mut opened = Note {
        text: text.to_owned(),
        verified: Vec::new(),
        unverified: Vec::new(),
    };
    for (count, line) in signatures.split('\n').enumerate() {
        if count >= MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        let (signature, signature_bytes) = parse_signature_line(line)?;
        let mut candidates = trusted
            .iter()
            .filter(|v| v.name == signature.name && v.key_id == signature.key_id);
        let Some(verifier) = candidates.next() else {
            if !opened.unverified.contains(&signature) {
                opened.unverified.push(signature);
            }
            continue;
        };
        if candidates.next().is_some() {
            return Err(NoteError::AmbiguousKey {
                name: signature.name,
                key_id: signature.key_id,
            });
        }
        if opened
            .verified
            .iter()
            .any(|s| s.name == signature.name && s.key_id == signature.key_id)
        {
            continue;
        }
        if !verifier.verify(text.as_bytes(), &signature_bytes) {
            return Err(NoteError::InvalidSignature {
                name: signature.name,
                key_id: signature.key_id,
            });
        }
        opened.verified.push(signature);
    }
    if opened.verified.is_empty() {
        return Err(NoteError::NoTrustedSignature {
            unknown: opened.unverified.len(),
        });
    }
    Ok(opened)
}

/// The signature line's public parts and the raw signature after the key id.
fn parse_signature_line(line: &str) -> Result<(NoteSignature, Vec<u8>), NoteError> {
    let malformed = || NoteError::MalformedSignatureLine(line.to_owned());
    let rest = line.strip_prefix(SIGNATURE_PREFIX).ok_or_else(malformed)?;
    let (name, b64) = rest.split_once(' ').ok_or_else(malformed)?;
    check_key_name(name).map_err(|_| malformed())?;
    let payload = BASE64.decode(b64).map_err(|_| malformed())?;
    // A key id and at least one byte of signature.
    let (id, signature) = match payload.split_first_chunk::<4>() {
        Some((id, signature)) if !signature.is_empty() => (*id, signature.to_vec()),
        _ => return Err(malformed()),
    };
    let parsed = NoteSignature {
        name: name.to_owned(),
        key_id: u32::from_be_bytes(id),
        base64: b64.to_owned(),
    };
    Ok((parsed, signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the C2SP signed-note spec.
    const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

    fn signer() -> Signer {
        Signer::from_seed("example.com/log", &[7; 32]).unwrap()
    }

    #[test]
    fn opens_the_spec_example() {
        let verifier: Verifier = SPEC_VKEY.parse().unwrap();
        assert_eq!(verifier.key_id(), 0x530d903a);
        assert_eq!(verifier.to_string(), SPEC_VKEY);
        let note = open_note(SPEC_NOTE.as_bytes(), &[verifier]).unwrap();
        assert_eq!(note.text, "This is an example message.\n");
        assert_eq!(note.verified.len(), 1);
    }

    #[test]
    fn key_strings_round_trip() {
        let signer = signer();
        let again = Signer::from_private_key(&signer.private_key()).unwrap();
        assert_eq!(again.verifier(), signer.verifier());
        let vkey = signer.verifier().to_string();
        assert_eq!(vkey.parse::<Verifier>().unwrap(), signer.verifier());
        assert!(vkey.starts_with(&format!("example.com/log+{:08x}+", signer.key_id())));
    }

    #[test]
    fn key_id_is_sha256_of_name_newline_alg_key() {
        let signer = signer();
        let mut input = b"example.com/log\n\x01".to_vec();
        input.extend_from_slice(signer.verifier().public_key().as_bytes());
        let digest = Sha256::digest(&input);
        assert_eq!(signer.key_id().to_be_bytes(), digest[..4]);
    }

    #[test]
    fn rejects_bad_key_strings() {
        let vkey = signer().verifier().to_string();
        let (name, rest) = vkey.split_once('+').unwrap();
        let (id, key) = rest.split_once('+').unwrap();
        let other_id = format!(
            "{name}+{:08x}+{key}",
            u32::from_str_radix(id, 16).unwrap() ^ 1
        );
        assert!(matches!(
            other_id.parse::<Verifier>(),
            Err(NoteError::KeyIdMismatch { .. })
        ));
        let ecdsa = format!("{name}+{id}+{}", BASE64.encode([2u8; 33]));
        assert_eq!(
            ecdsa.parse::<Verifier>(),
            Err(NoteError::UnsupportedAlgorithm(2))
        );
        for bad in [
            "",
            "a+b",
            "a+0000000+AQ==",
            "a+zzzzzzzz+AQ==",
            "a+00000000+!!",
        ] {
            assert!(bad.parse::<Verifier>().is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            Signer::from_seed("has space", &[1; 32]).unwrap_err(),
            NoteError::InvalidKeyName("has space".into())
        );
        assert!(Signer::from_seed("a+b", &[1; 32]).is_err());
        assert!(Signer::from_private_key(&vkey).is_err());
    }

    #[test]
    fn generated_keys_sign_and_verify() {
        let signer = Signer::generate("example.com/fresh", &mut rand::rngs::OsRng).unwrap();
        let note = signer.sign("hello\n").unwrap();
        assert!(open_note(note.as_bytes(), &[signer.verifier()]).is_ok());
    }

    #[test]
    fn signing_needs_newline_terminated_clean_text() {
        let signer = signer();
        assert_eq!(
            signer.sign("no newline"),
            Err(NoteError::TextNotNewlineTerminated)
        );
        assert_eq!(signer.sign("tab\there\n"), Err(NoteError::ControlCharacter));
        assert_eq!(sign_note("x\n", &[]), Err(NoteError::NoSigners));
    }

    #[test]
    fn opening_rejects_each_kind_of_damage() {
        let signer = signer();
        let verifier = signer.verifier();
        let note = signer.sign("line one\n\nline three\n").unwrap();
        let open = |n: &str| open_note(n.as_bytes(), std::slice::from_ref(&verifier));
        assert_eq!(open(&note).unwrap().text, "line one\n\nline three\n");

        let other = Signer::from_seed("example.com/other", &[9; 32]).unwrap();
        assert_eq!(
            open_note(note.as_bytes(), &[other.verifier()]),
            Err(NoteError::NoTrustedSignature { unknown: 1 })
        );
        let same_name = Signer::from_seed("example.com/log", &[9; 32]).unwrap();
        assert!(matches!(
            open_note(note.as_bytes(), &[same_name.verifier()]),
            Err(NoteError::NoTrustedSignature { .. })
        ));
        assert!(matches!(
            open(&note.replace("three", "four")),
            Err(NoteError::InvalidSignature { .. })
        ));
        assert_eq!(
            open_note(&[0xff, b'\n', b'\n'], &[]),
            Err(NoteError::InvalidUtf8)
        );
        assert_eq!(
            open(&note.replace("one", "o\rne")),
            Err(NoteError::ControlCharacter)
        );
        assert_eq!(
            open("text\n\u{2014} x AAAA\n"),
            Err(NoteError::MissingSignatureBlock)
        );
        assert_eq!(
            open(note.trim_end_matches('\n')),
            Err(NoteError::UnterminatedSignatureBlock)
        );
        assert!(matches!(
            open(&note.replace('\u{2014}', "-")),
            Err(NoteError::MalformedSignatureLine(_))
        ));
        assert!(matches!(
            open("t\n\n\u{2014} example.com/log AAAA\n"),
            Err(NoteError::MalformedSignatureLine(_))
        ));
        assert!(matches!(
            open_note(note.as_bytes(), &[verifier.clone(), verifier.clone()]),
            Err(NoteError::AmbiguousKey { .. })
        ));

        let mut flooded = note.clone();
        let line = other.signature_line("line one\n\nline three\n");
        for _ in 0..MAX_SIGNATURES {
            flooded.push_str(&line);
        }
        assert_eq!(open(&flooded), Err(NoteError::TooManySignatures));
    }

    #[test]
    fn unknown_signatures_are_kept_but_not_trusted() {
        let log = signer();
        let witness = Signer::from_seed("witness.example/w1", &[3; 32]).unwrap();
        let note = sign_note("checkpoint\n", &[&log, &witness]).unwrap();
        let opened = open_note(note.as_bytes(), &[log.verifier()]).unwrap();
        assert_eq!(opened.verified.len(), 1);
        assert_eq!(opened.unverified.len(), 1);
        assert_eq!(opened.unverified[0].name, "witness.example/w1");
        let both = open_note(note.as_bytes(), &[log.verifier(), witness.verifier()]).unwrap();
        assert_eq!(both.verified.len(), 2);
    }
}
