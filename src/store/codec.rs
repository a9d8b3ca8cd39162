//! Value encoding: one format byte, then MessagePack with named fields, so a field added
//! later (with a serde default) never breaks an existing store.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{StoreError, StoreResult};

/// Format byte of named-field MessagePack values.
const MSGPACK_NAMED: u8 = 1;
/// Format byte of UTF-8 note text.
const UTF8_TEXT: u8 = 2;

pub fn encode<T: Serialize>(value: &T) -> StoreResult<Vec<u8>> {
    let mut bytes = vec![MSGPACK_NAMED];
    rmp_serde::encode::write_named(&mut bytes, value)
        .map_err(|e| StoreError::Encode(e.to_string()))?;
    Ok(bytes)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> StoreResult<T> {
    match bytes.split_first() {
        Some((&MSGPACK_NAMED, rest)) => {
            rmp_serde::from_slice(rest).map_err(|e| StoreError::Corrupt(e.to_string()))
        }
        Some((other, _)) => Err(StoreError::Corrupt(format!("unknown format byte {other}"))),
        None => Err(StoreError::Corrupt("empty value".into())),
    }
}

pub fn encode_text(text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.push(UTF8_TEXT);
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

pub fn decode_text(bytes: &[u8]) -> StoreResult<String> {
    match bytes.split_first() {
        Some((&UTF8_TEXT, rest)) => String::from_utf8(rest.to_vec())
            .map_err(|_| StoreError::Corrupt("note text is not UTF-8".into())),
        _ => Err(StoreError::Corrupt(
            "note text has an unknown format".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Old {
        name: String,
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct New {
        name: String,
        #[serde(default)]
        added: Option<u32>,
    }

    #[test]
    fn a_new_field_reads_old_values() {
        let bytes = encode(&Old { name: "a".into() }).unwrap();
        let read: New = decode(&bytes).unwrap();
        assert_eq!(
            read,
            New {
                name: "a".into(),
                added: None
            }
        );
    }

    #[test]
    fn damaged_values_are_errors_not_panics() {
        assert!(decode::<Old>(&[]).is_err());
        assert!(decode::<Old>(&[9, 1, 2]).is_err());
        assert!(decode::<Old>(&[MSGPACK_NAMED, 0xc1]).is_err());
        assert!(decode_text(&[UTF8_TEXT, 0xff]).is_err());
        assert_eq!(decode_text(&encode_text("hé")).unwrap(), "hé");
    }
}
