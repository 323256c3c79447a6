//! No input makes the list or pointer parsers panic.

use proptest::prelude::*;

use super::{Pointer, parse_list, parse_value};
use crate::location::Span;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_list_never_panics(value in "\\PC{0,40}") {
        let _ = parse_list(&value, &Span::at("p.conf", 1, 20));
    }

    #[test]
    fn parse_list_never_panics_on_list_like_text(value in "[\"/:,~01\\\\ a-]{0,30}") {
        let _ = parse_list(&value, &Span::at("p.conf", 1, 20));
    }

    #[test]
    fn well_formed_lists_round_trip(pairs in proptest::collection::vec(("(/[a-z~01-]{0,4}){0,3}", "/[a-z./]{1,10}"), 1..4)) {
        let text = pairs.iter().map(|(p, f)| format!("\"{p}\":\"{f}\"")).collect::<Vec<_>>().join(",");
        match parse_list(&text, &Span::at("p.conf", 1, 20)) {
            Ok((refs, _)) => {
                let got: Vec<(String, String)> = refs.into_iter().map(|r| (r.pointer.as_str().to_owned(), r.path)).collect();
                prop_assert_eq!(got, pairs);
            }
            // Generated pointers may hold a bad `~` escape; anything else is a bug.
            Err(e) => prop_assert!(matches!(e.error, super::ErrorKind::Pointer(super::PointerError::Escape { .. })), "{}", e),
        }
    }

    #[test]
    fn pointer_parse_never_panics(raw in "\\PC{0,30}") {
        if let Ok(p) = Pointer::parse(&raw) {
            prop_assert_eq!(p.as_str(), raw.as_str());
        }
    }

    #[test]
    fn parse_value_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        let _ = parse_value(std::path::Path::new("o.json"), &bytes);
    }

    #[test]
    fn parse_value_never_panics_on_json_like_text(text in "[\\[\\]{}\":, a-z0-9\n\t]{0,30}") {
        let _ = parse_value(std::path::Path::new("o.json"), text.as_bytes());
    }
}
