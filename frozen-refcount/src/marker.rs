//! The common traits of the generic zero-sized markers (`HighBit<W>` and
//! the other encodings, `Counting<B>`), written by hand: `derive` would
//! bound each impl on the parameter (`W: Default`, `B: Hash`, …), which a
//! marker never needs, and `Word` and `Backend` do not imply.

use core::fmt;

/// `Debug`, `Clone`, `Copy`, `Default`, `PartialEq`, `Eq` and `Hash` for the
/// marker `$name<$p>(PhantomData<fn() -> $p>)`, with no bound on `$p`. All
/// values of a marker are equal; `Debug` prints `HighBit<u32>`,
/// `Counting<CoreAtomics>`.
macro_rules! zero_sized_marker {
    ($name:ident<$p:ident>) => {
        impl<$p> ::core::fmt::Debug for $name<$p> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(concat!(stringify!($name), "<"))?;
                $crate::marker::short_type_name(::core::any::type_name::<$p>(), f)?;
                f.write_str(">")
            }
        }
        impl<$p> ::core::clone::Clone for $name<$p> {
            #[inline]
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<$p> ::core::marker::Copy for $name<$p> {}
        impl<$p> ::core::default::Default for $name<$p> {
            #[inline]
            fn default() -> Self {
                $name(::core::marker::PhantomData)
            }
        }
        impl<$p> ::core::cmp::PartialEq for $name<$p> {
            #[inline]
            fn eq(&self, _: &Self) -> bool {
                true
            }
        }
        impl<$p> ::core::cmp::Eq for $name<$p> {}
        impl<$p> ::core::hash::Hash for $name<$p> {
            #[inline]
            fn hash<H: ::core::hash::Hasher>(&self, _: &mut H) {}
        }
    };
}
pub(crate) use zero_sized_marker;

/// Writes `name` (a `core::any::type_name`) with every path cut to its last
/// segment: `frozen_refcount::backends::counting::Counting<frozen_refcount::
/// backends::core_atomics::CoreAtomics>` as `Counting<CoreAtomics>`. (The
/// marker's own name and parameter are written by the macro, so that a
/// default parameter, which `type_name` may leave out, is always shown.)
pub(crate) fn short_type_name(name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut rest = name;
    while !rest.is_empty() {
        let end = rest
            .find(['<', '>', ',', ' ', '(', ')', '[', ']', ';', '&'])
            .unwrap_or(rest.len());
        let path = &rest[..end];
        f.write_str(path.rsplit("::").next().unwrap_or(path))?;
        // The delimiter itself, if any.
        let delim_len = rest[end..].chars().next().map_or(0, char::len_utf8);
        f.write_str(&rest[end..end + delim_len])?;
        rest = &rest[end + delim_len..];
    }
    Ok(())
}
