//! placeholder

use super::Out;
use crate::tree::Doc;

pub(crate) fn check(_doc: &Doc<'_>, _out: &mut Out) {}
