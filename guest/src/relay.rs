//! The store-and-forward relay's formats: operator commands and the record it downlinks for
//! each message received from a peer.

use std::fmt;

/// An uplinked command to the relay app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayCommand {
    /// `peer NAME`: forward to `NAME` (`"SATELLITE"` or `"SATELLITE/APP"`) from now on.
    Peer(String),
    /// `flush`: try to forward everything queued now.
    Flush,
    /// `status`: log and downlink the relay's counters.
    Status,
    /// `send BYTES` (or any other command): a message to store and forward.
    Forward(Vec<u8>),
}

impl RelayCommand {
    /// Parses a command. Keywords are ASCII and case-sensitive; anything that is not a
    /// keyword is a message to forward as it is.
    pub fn parse(bytes: &[u8]) -> RelayCommand {
        if let Some(rest) = bytes.strip_prefix(b"peer ") {
            let name = String::from_utf8_lossy(rest).trim().to_string();
            if !name.is_empty() && !name.contains(char::is_whitespace) {
                return RelayCommand::Peer(name);
            }
        }
        match bytes {
            b"flush" => RelayCommand::Flush,
            b"status" => RelayCommand::Status,
            _ => match bytes.strip_prefix(b"send ") {
                Some(msg) => RelayCommand::Forward(msg.to_vec()),
                None => RelayCommand::Forward(bytes.to_vec()),
            },
        }
    }
}

/// A message the relay received from a peer, as it downlinks it (big-endian):
/// magic `STRL`, u8 version 1, u8 sender length, i64 receive time (ns POSIX), u32 data
/// length, sender bytes, data bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayRecord {
    /// Sender, `"SATELLITE/APP"` (at most 255 bytes kept).
    pub from: Vec<u8>,
    /// Receive time, ns since 1970-01-01 UTC (POSIX).
    pub received_unix_ns: i64,
    /// The message.
    pub data: Vec<u8>,
}

/// Why a relay record could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordError {
    /// Not a `STRL` version 1 record.
    Magic,
    /// The lengths disagree with the bytes given.
    Length {
        /// Bytes the header implies.
        declared: usize,
        /// Bytes given.
        actual: usize,
    },
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Magic => f.write_str("not an STRL v1 relay record"),
            RecordError::Length { declared, actual } => {
                write!(f, "record of {actual} bytes, header implies {declared}")
            }
        }
    }
}

impl std::error::Error for RecordError {}

/// Bytes before the sender name.
const HEAD: usize = 4 + 1 + 1 + 8 + 4;

impl RelayRecord {
    /// Encodes the record.
    pub fn encode(&self) -> Vec<u8> {
        let from = &self.from[..self.from.len().min(255)];
        let mut out = Vec::with_capacity(HEAD + from.len() + self.data.len());
        out.extend_from_slice(b"STRL");
        out.push(1);
        out.push(from.len() as u8);
        out.extend_from_slice(&self.received_unix_ns.to_be_bytes());
        out.extend_from_slice(&(self.data.len() as u32).to_be_bytes());
        out.extend_from_slice(from);
        out.extend_from_slice(&self.data);
        out
    }

    /// Decodes a record made by [`RelayRecord::encode`].
    pub fn decode(b: &[u8]) -> Result<RelayRecord, RecordError> {
        if b.len() < HEAD || &b[..4] != b"STRL" || b[4] != 1 {
            return Err(RecordError::Magic);
        }
        let from_len = usize::from(b[5]);
        let mut t = [0u8; 8];
        t.copy_from_slice(&b[6..14]);
        let data_len = u32::from_be_bytes([b[14], b[15], b[16], b[17]]) as usize;
        let declared = HEAD + from_len + data_len;
        if declared != b.len() {
            return Err(RecordError::Length {
                declared,
                actual: b.len(),
            });
        }
        Ok(RelayRecord {
            from: b[HEAD..HEAD + from_len].to_vec(),
            received_unix_ns: i64::from_be_bytes(t),
            data: b[HEAD + from_len..].to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(
            RelayCommand::parse(b"peer SAT-2/relay"),
            RelayCommand::Peer("SAT-2/relay".into())
        );
        assert_eq!(
            RelayCommand::parse(b"peer  SAT-3 \n"),
            RelayCommand::Peer("SAT-3".into())
        );
        assert_eq!(RelayCommand::parse(b"flush"), RelayCommand::Flush);
        assert_eq!(RelayCommand::parse(b"status"), RelayCommand::Status);
        assert_eq!(
            RelayCommand::parse(b"send hello"),
            RelayCommand::Forward(b"hello".to_vec())
        );
        assert_eq!(
            RelayCommand::parse(b"\x00\x01"),
            RelayCommand::Forward(vec![0, 1])
        );
        // a peer command without a usable name is a message like any other
        assert_eq!(
            RelayCommand::parse(b"peer a b"),
            RelayCommand::Forward(b"peer a b".to_vec())
        );
    }

    #[test]
    fn record_round_trip_and_checks() {
        let r = RelayRecord {
            from: b"SAT-2/relay".to_vec(),
            received_unix_ns: 1_700_000_000_000_000_001,
            data: b"payload".to_vec(),
        };
        let b = r.encode();
        assert_eq!(b.len(), 18 + 11 + 7);
        assert_eq!(RelayRecord::decode(&b).unwrap(), r);
        assert_eq!(
            RelayRecord::decode(&b[..b.len() - 1]),
            Err(RecordError::Length {
                declared: 36,
                actual: 35
            })
        );
        assert_eq!(RelayRecord::decode(b"XXXX"), Err(RecordError::Magic));
        let long = RelayRecord {
            from: vec![b'x'; 300],
            received_unix_ns: 0,
            data: vec![],
        };
        assert_eq!(RelayRecord::decode(&long.encode()).unwrap().from.len(), 255);
    }
}
