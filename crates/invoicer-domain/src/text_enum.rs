//! Enums written as fixed words (`"draft"`, `"live"`, `"read"` …): one declaration gives the
//! variant list, the word of each, parsing with the allowed words in the error, and `Display`.

/// `text_enum! { #[derive(..)] pub enum Name("noun") { Variant = "word", … } }`
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident($noun:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::validation::Invalid;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err($crate::validation::Invalid::new(
                        "invalid_enum",
                        format!(
                            "`{s}` is not a {}; allowed: {}.",
                            $noun,
                            [$($word),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
