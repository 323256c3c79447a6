//! The placeholders the predictor writes for values the API server generates, in the syntax
//! `compare` understands (`{{kind}}` or `{{kind:binding}}`). Other modules use these items
//! instead of spelling the strings themselves.

use std::fmt;

use super::json::Map;

/// What a placeholder matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Any value or text.
    Any,
    /// Five characters of the name generator's alphabet (`bcdfghjklmnpqrstvwxz2456789`).
    Suffix,
    /// A UID.
    Uid,
    /// An RFC 3339 timestamp.
    Timestamp,
    /// A run of decimal digits (a `resourceVersion`).
    Digits,
}

impl Kind {
    /// The kind's name inside the braces.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Any => "any",
            Kind::Suffix => "suffix",
            Kind::Uid => "uid",
            Kind::Timestamp => "timestamp",
            Kind::Digits => "digits",
        }
    }
}

/// One placeholder: a kind and, when its value must be the same wherever it is used, a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Placeholder {
    /// What it matches.
    pub kind: Kind,
    /// Uses with the same kind and binding must match the same text.
    pub binding: Option<&'static str>,
}

impl Placeholder {
    /// The placeholder as it appears in a string, e.g. `{{suffix:sa}}`.
    pub fn text(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.binding {
            Some(binding) => write!(f, "{{{{{}:{}}}}}", self.kind.name(), binding),
            None => write!(f, "{{{{{}}}}}", self.kind.name()),
        }
    }
}

/// Any text (used where a generated value cannot be described more precisely).
pub const ANY: Placeholder = Placeholder {
    kind: Kind::Any,
    binding: None,
};
/// The random suffix of a Job name generated from `metadata.generateName`.
pub const JOB_NAME_SUFFIX: Placeholder = Placeholder {
    kind: Kind::Suffix,
    binding: Some("job"),
};
/// The random suffix of the Pod name (the Job controller always uses `generateName`).
pub const POD_NAME_SUFFIX: Placeholder = Placeholder {
    kind: Kind::Suffix,
    binding: Some("pod"),
};
/// The random suffix of the `kube-api-access-…` volume, shared by the volume and its mounts.
pub const SA_VOLUME_SUFFIX: Placeholder = Placeholder {
    kind: Kind::Suffix,
    binding: Some("sa"),
};
/// The Job's UID, in its metadata, selector, template labels and the Pod's ownerReference.
pub const JOB_UID: Placeholder = Placeholder {
    kind: Kind::Uid,
    binding: Some("job"),
};
/// The Pod's UID.
pub const POD_UID: Placeholder = Placeholder {
    kind: Kind::Uid,
    binding: Some("pod"),
};
/// A `metadata.resourceVersion`.
pub const RESOURCE_VERSION: Placeholder = Placeholder {
    kind: Kind::Digits,
    binding: None,
};
/// A `metadata.creationTimestamp`.
pub const CREATION_TIMESTAMP: Placeholder = Placeholder {
    kind: Kind::Timestamp,
    binding: None,
};

/// The prefix of the ServiceAccount token volume's name; the admission plugin appends a suffix.
pub const SA_VOLUME_PREFIX: &str = "kube-api-access-";

/// A generated value the prediction contains, with the placeholder standing for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// The placeholder.
    pub placeholder: Placeholder,
    /// Where it appears, for documentation and reports.
    pub what: &'static str,
}

/// Every placeholder the predictor writes, and where.
pub fn generated() -> &'static [Generated] {
    const ALL: &[Generated] = &[
        Generated {
            placeholder: JOB_NAME_SUFFIX,
            what: "suffix of a Job name made from `metadata.generateName`, also in the Pod name, \
                   `job-name` labels and the ownerReference",
        },
        Generated {
            placeholder: POD_NAME_SUFFIX,
            what: "suffix of the Pod name",
        },
        Generated {
            placeholder: SA_VOLUME_SUFFIX,
            what: "suffix of the `kube-api-access-` volume, in the volume and every mount",
        },
        Generated {
            placeholder: JOB_UID,
            what: "the Job's uid, in the selector, the controller-uid labels and the ownerReference",
        },
        Generated {
            placeholder: POD_UID,
            what: "the Pod's uid",
        },
        Generated {
            placeholder: RESOURCE_VERSION,
            what: "`metadata.resourceVersion`",
        },
        Generated {
            placeholder: CREATION_TIMESTAMP,
            what: "`metadata.creationTimestamp`",
        },
        Generated {
            placeholder: ANY,
            what: "values the predictor cannot know, e.g. the priority of a custom PriorityClass",
        },
    ];
    ALL
}

/// Writes the metadata the API server sets on create: `uid` (the object's own placeholder),
/// `resourceVersion`, `creationTimestamp` and, when the kind has it, `generation: 1`.
pub(crate) fn set_server_metadata(metadata: &mut Map, uid: Placeholder, generation: bool) {
    metadata.insert("uid".into(), uid.text().into());
    metadata.insert("resourceVersion".into(), RESOURCE_VERSION.text().into());
    metadata.insert("creationTimestamp".into(), CREATION_TIMESTAMP.text().into());
    if generation {
        metadata.insert("generation".into(), 1.into());
    }
}

/// Whether `text` contains something that looks like a placeholder.
pub fn contains_placeholder(text: &str) -> bool {
    text.find("{{")
        .is_some_and(|start| text[start..].contains("}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_with_and_without_binding() {
        assert_eq!(SA_VOLUME_SUFFIX.text(), "{{suffix:sa}}");
        assert_eq!(JOB_UID.text(), "{{uid:job}}");
        assert_eq!(RESOURCE_VERSION.text(), "{{digits}}");
        assert_eq!(CREATION_TIMESTAMP.text(), "{{timestamp}}");
        assert_eq!(ANY.text(), "{{any}}");
    }

    #[test]
    fn lists_every_placeholder_once() {
        let all = generated();
        for (i, a) in all.iter().enumerate() {
            assert!(contains_placeholder(&a.placeholder.text()));
            assert!(all[i + 1..].iter().all(|b| b.placeholder != a.placeholder));
        }
        assert!(!contains_placeholder("plain {{ text"));
    }
}
