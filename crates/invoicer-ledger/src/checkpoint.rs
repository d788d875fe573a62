//! C2SP tlog-checkpoint: the signed statement "this log, at this size, has
//! this root".
//!
//! A checkpoint is the only thing a client has to trust; every proof is
//! checked against one. Its text is three lines (origin, size, root) plus
//! optional extension lines, and it travels as a signed note.
//!
//! Spec: <https://c2sp.org/tlog-checkpoint>.

use crate::hash::Hash;
use crate::note::{open_note, Note, NoteError, Signer, Verifier};

/// The tree head of a log at one size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

/// Why a checkpoint could not be built, parsed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint origin must be a non-empty line without control characters")]
    InvalidOrigin,
    #[error("checkpoint extension lines must be non-empty without control characters")]
    InvalidExtension,
    #[error("checkpoint text must end with a newline")]
    NotNewlineTerminated,
    #[error("checkpoint has fewer than three lines")]
    TooFewLines,
    #[error("checkpoint tree size {0:?} is not a decimal number without leading zeros")]
    InvalidSize(String),
    #[error("checkpoint root hash {0:?} is not base64 of 32 bytes")]
    InvalidRoot(String),
    #[error("checkpoint note: {0}")]
    Note(#[from] NoteError),
}

/// One line of checkpoint text: non-empty and free of newlines and other
/// control characters that would break the line structure or the note.
fn is_valid_line(line: &str) -> bool {
    !line.is_empty() && !line.chars().any(char::is_control)
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Checkpoint, CheckpointError> {
        if !is_valid_line(origin) {
            return Err(CheckpointError::InvalidOrigin);
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds extension lines. The spec discourages them because monitors cannot
    /// audit them; they exist for interoperation with logs that use them.
    pub fn with_extensions(
        mut self,
        extensions: impl IntoIterator<Item = String>,
    ) -> Result<Checkpoint, CheckpointError> {
        for line in extensions {
            if !is_valid_line(&line) {
                return Err(CheckpointError::InvalidExtension);
            }
            self.extensions.push(line);
        }
        Ok(self)
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn root(&self) -> &Hash {
        &self.root
    }

    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The note text: origin, size, root and extensions, each newline-terminated.
    pub fn to_text(&self) -> String {
        let mut text = format!("{}\n{}\n{}\n", self.origin, self.size, self.root);
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Parses checkpoint text (the text of an opened note).
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointError::NotNewlineTerminated)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::TooFewLines);
        };
        let size_is_canonical = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size == "0" || !size.starts_with('0'));
        let size = size_is_canonical
            .then(|| size.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| CheckpointError::InvalidSize(size.to_owned()))?;
        let root =
            Hash::from_base64(root).map_err(|_| CheckpointError::InvalidRoot(root.to_owned()))?;
        Checkpoint::new(origin, size, root)?.with_extensions(lines.map(str::to_owned))
    }

    /// Signs the checkpoint into a note.
    pub fn sign(&self, signer: &Signer) -> Result<String, CheckpointError> {
        Ok(signer.sign(&self.to_text())?)
    }

    /// Opens a signed checkpoint note: the note must carry a valid signature
    /// by one of the trusted keys and its text must be a checkpoint. The
    /// caller still has to check that the origin is the log it expects.
    pub fn open(note: &[u8], trusted: &[Verifier]) -> Result<(Checkpoint, Note), CheckpointError> {
        let note = open_note(note, trusted)?;
        let checkpoint = Checkpoint::parse(&note.text)?;
        Ok((checkpoint, note))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    fn signer() -> Signer {
        Signer::from_seed("example.com/ledger", &[42; 32]).unwrap()
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint::new("example.com/ledger", 20_852_163, leaf_hash(b"root")).unwrap()
    }

    #[test]
    fn spec_example_text_parses() {
        let text =
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let checkpoint = Checkpoint::parse(text).unwrap();
        assert_eq!(checkpoint.origin(), "example.com/behind-the-sofa");
        assert_eq!(checkpoint.size(), 20_852_163);
        assert_eq!(checkpoint.to_text(), text);
    }

    #[test]
    fn round_trip_through_a_signed_note() {
        let signer = signer();
        let checkpoint = checkpoint()
            .with_extensions(["Timestamp: 1700000000".to_owned()])
            .unwrap();
        let note = checkpoint.sign(&signer).unwrap();
        let (opened, note) = Checkpoint::open(note.as_bytes(), &[signer.verifier()]).unwrap();
        assert_eq!(opened, checkpoint);
        assert_eq!(note.verified[0].name, "example.com/ledger");
    }

    #[test]
    fn tampering_is_detected() {
        let signer = signer();
        let trusted = [signer.verifier()];
        let note = checkpoint().sign(&signer).unwrap();
        let root = checkpoint().root().to_base64();
        let other_root = leaf_hash(b"other").to_base64();

        let tampered = [
            note.replace("20852163", "20852164"),
            note.replace(&root, &other_root),
        ];
        for bad in tampered {
            assert!(matches!(
                Checkpoint::open(bad.as_bytes(), &trusted),
                Err(CheckpointError::Note(NoteError::InvalidSignature { .. }))
            ));
        }

        let signature_start = note.rfind(' ').unwrap() + 1;
        let mut flipped = note.clone().into_bytes();
        // Change one base64 digit inside the signature, past the key id.
        let at = signature_start + 20;
        flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
        assert!(matches!(
            Checkpoint::open(&flipped, &trusted),
            Err(CheckpointError::Note(NoteError::InvalidSignature { .. }))
        ));

        let other = Signer::from_seed("example.com/ledger", &[43; 32]).unwrap();
        assert!(matches!(
            Checkpoint::open(note.as_bytes(), &[other.verifier()]),
            Err(CheckpointError::Note(NoteError::NoTrustedSignature {
                unknown: 1
            }))
        ));
    }

    #[test]
    fn malformed_text_is_rejected() {
        let root = leaf_hash(b"r").to_base64();
        type Expect = fn(&CheckpointError) -> bool;
        let cases: [(String, Expect); 8] = [
            (format!("o\n1\n{root}"), |e| {
                matches!(e, CheckpointError::NotNewlineTerminated)
            }),
            ("o\n1\n".to_owned(), |e| {
                matches!(e, CheckpointError::TooFewLines)
            }),
            (format!("o\n01\n{root}\n"), |e| {
                matches!(e, CheckpointError::InvalidSize(_))
            }),
            (format!("o\n-1\n{root}\n"), |e| {
                matches!(e, CheckpointError::InvalidSize(_))
            }),
            (format!("o\n99999999999999999999\n{root}\n"), |e| {
                matches!(e, CheckpointError::InvalidSize(_))
            }),
            ("o\n1\nAAAA\n".to_owned(), |e| {
                matches!(e, CheckpointError::InvalidRoot(_))
            }),
            (format!("\n1\n{root}\n"), |e| {
                matches!(e, CheckpointError::InvalidOrigin)
            }),
            (format!("o\n1\n{root}\n\n"), |e| {
                matches!(e, CheckpointError::InvalidExtension)
            }),
        ];
        for (text, expected) in cases {
            let err = Checkpoint::parse(&text).unwrap_err();
            assert!(expected(&err), "{text:?} gave {err:?}");
        }
        assert!(Checkpoint::new("a\nb", 0, Hash::EMPTY_TREE).is_err());
        assert_eq!(
            Checkpoint::parse(&format!("o\n0\n{}\n", Hash::EMPTY_TREE)).map(|c| c.size()),
            Ok(0)
        );
    }
}
