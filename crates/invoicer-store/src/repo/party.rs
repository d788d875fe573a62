//! What businesses and customers share: identity columns, bound and read back the same way.

use invoicer_domain::party::Identity;
use sqlx::{any::AnyArguments, any::AnyRow, query::Query, Any};

use crate::{codec, StoreError};

pub type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Binds, in this order: country, vat_id, address, peppol_id, email, company_id,
/// company_id_scheme.
pub fn bind_identity<'q>(q: AnyQuery<'q>, i: &Identity) -> Result<AnyQuery<'q>, StoreError> {
    Ok(q.bind(i.country.clone())
        .bind(i.vat_id.clone())
        .bind(serde_json::to_string(&i.address)?)
        .bind(i.peppol_id.clone())
        .bind(i.email.clone())
        .bind(i.company_id.clone())
        .bind(i.company_id_scheme.clone()))
}

pub fn identity_from_row(row: &AnyRow, name_column: &str) -> Result<Identity, StoreError> {
    Ok(Identity {
        name: codec::get_str(row, name_column)?,
        country: codec::get_str(row, "country")?,
        vat_id: codec::get_opt_str(row, "vat_id")?,
        address: codec::get_json(row, "address")?,
        peppol_id: codec::get_opt_str(row, "peppol_id")?,
        email: codec::get_opt_str(row, "email")?,
        company_id: codec::get_opt_str(row, "company_id")?,
        company_id_scheme: codec::get_opt_str(row, "company_id_scheme")?,
    })
}
