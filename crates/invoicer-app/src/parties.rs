//! Businesses (sellers) and customers (buyers): create, get, list, update, archive.

use invoicer_api_types::{
    party::{BusinessIn, CustomerIn, NewBusiness},
    ErrorCode,
};
use invoicer_domain::{
    party::{Business, Customer, Identity},
    tenant::Tenant,
};
use invoicer_store::{
    page::{Page, PageRequest},
    repo::{businesses, customers},
    Conn, Db, Tx,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

pub fn business_not_found() -> AppError {
    AppError::new(
        ErrorCode::BusinessNotFound,
        "No business with this id exists in this account and environment.",
    )
}

pub fn customer_not_found() -> AppError {
    AppError::new(
        ErrorCode::CustomerNotFound,
        "No customer with this id exists in this account and environment.",
    )
}

pub fn parse_business(input: &BusinessIn) -> AppResult<NewBusiness> {
    input.parse().map_err(AppError::invalid)
}

pub async fn create_business(db: &Db, tenant: Tenant, input: BusinessIn) -> AppResult<Business> {
    crate::idempotency::in_transaction(db, parse_business(&input), async |tx, new| {
        add_business(tx, tenant, new).await
    })
    .await
}

pub async fn add_business(tx: &mut Tx, tenant: Tenant, new: NewBusiness) -> AppResult<Business> {
    let at = now();
    let business = Business {
        id: Uuid::now_v7(),
        identity: new.identity,
        default_currency: new.default_currency,
        invoice_prefix: new.invoice_prefix,
        credit_note_prefix: new.credit_note_prefix,
        archived: false,
        created_at: at,
        updated_at: at,
    };
    businesses::insert(tx, tenant, &business).await?;
    Ok(business)
}

pub async fn load_business(conn: &mut Conn, tenant: Tenant, id: Uuid) -> AppResult<Business> {
    businesses::get(conn, tenant, id)
        .await?
        .ok_or_else(business_not_found)
}

pub async fn get_business(db: &Db, tenant: Tenant, id: Uuid) -> AppResult<Business> {
    load_business(&mut *db.read().await?, tenant, id).await
}

pub async fn list_businesses(
    db: &Db,
    tenant: Tenant,
    page: PageRequest,
) -> AppResult<Page<Business>> {
    Ok(businesses::list(&mut *db.read().await?, tenant, page).await?)
}

pub async fn update_business(
    db: &Db,
    tenant: Tenant,
    id: Uuid,
    patch: BusinessIn,
) -> AppResult<Business> {
    if patch.is_empty() {
        return Err(no_valid_fields());
    }
    let mut tx = db.begin().await?;
    let current = load_business(&mut tx, tenant, id).await?;
    if current.archived {
        return Err(AppError::new(
            ErrorCode::BusinessArchived,
            "An archived business cannot be changed.",
        ));
    }
    let new = patch
        .merged_over(BusinessIn::from(&current))
        .parse()
        .map_err(AppError::invalid)?;
    let updated = Business {
        identity: new.identity,
        default_currency: new.default_currency,
        invoice_prefix: new.invoice_prefix,
        credit_note_prefix: new.credit_note_prefix,
        updated_at: now(),
        ..current
    };
    businesses::update(&mut tx, tenant, &updated).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Archives a business: it stays readable, with its invoices, but takes no new work.
pub async fn archive_business(db: &Db, tenant: Tenant, id: Uuid) -> AppResult<Business> {
    crate::idempotency::in_transaction(db, Ok(id), async |tx, id| {
        archive_business_in(tx, tenant, id).await
    })
    .await
}

/// [`archive_business`] inside a caller's transaction.
pub async fn archive_business_in(tx: &mut Tx, tenant: Tenant, id: Uuid) -> AppResult<Business> {
    let current = load_business(tx, tenant, id).await?;
    if current.archived {
        return Ok(current);
    }
    let archived = Business {
        archived: true,
        updated_at: now(),
        ..current
    };
    businesses::update(tx, tenant, &archived).await?;
    Ok(archived)
}

pub fn parse_customer(input: &CustomerIn) -> AppResult<Identity> {
    input.parse().map_err(AppError::invalid)
}

pub async fn create_customer(db: &Db, tenant: Tenant, input: CustomerIn) -> AppResult<Customer> {
    crate::idempotency::in_transaction(db, parse_customer(&input), async |tx, identity| {
        add_customer(tx, tenant, identity).await
    })
    .await
}

pub async fn add_customer(tx: &mut Tx, tenant: Tenant, identity: Identity) -> AppResult<Customer> {
    let at = now();
    let customer = Customer {
        id: Uuid::now_v7(),
        identity,
        archived: false,
        created_at: at,
        updated_at: at,
    };
    customers::insert(tx, tenant, &customer).await?;
    Ok(customer)
}

pub async fn load_customer(conn: &mut Conn, tenant: Tenant, id: Uuid) -> AppResult<Customer> {
    customers::get(conn, tenant, id)
        .await?
        .ok_or_else(customer_not_found)
}

pub async fn get_customer(db: &Db, tenant: Tenant, id: Uuid) -> AppResult<Customer> {
    load_customer(&mut *db.read().await?, tenant, id).await
}

pub async fn list_customers(
    db: &Db,
    tenant: Tenant,
    page: PageRequest,
) -> AppResult<Page<Customer>> {
    Ok(customers::list(&mut *db.read().await?, tenant, page).await?)
}

pub async fn update_customer(
    db: &Db,
    tenant: Tenant,
    id: Uuid,
    patch: CustomerIn,
) -> AppResult<Customer> {
    if patch.is_empty() {
        return Err(no_valid_fields());
    }
    let mut tx = db.begin().await?;
    let current = load_customer(&mut tx, tenant, id).await?;
    if current.archived {
        return Err(AppError::new(
            ErrorCode::CustomerArchived,
            "An archived customer cannot be changed.",
        ));
    }
    let identity = patch
        .merged_over(CustomerIn::from(&current))
        .parse()
        .map_err(AppError::invalid)?;
    let updated = Customer {
        identity,
        updated_at: now(),
        ..current
    };
    customers::update(&mut tx, tenant, &updated).await?;
    tx.commit().await?;
    Ok(updated)
}

pub async fn archive_customer(db: &Db, tenant: Tenant, id: Uuid) -> AppResult<Customer> {
    crate::idempotency::in_transaction(db, Ok(id), async |tx, id| {
        archive_customer_in(tx, tenant, id).await
    })
    .await
}

/// [`archive_customer`] inside a caller's transaction.
pub async fn archive_customer_in(tx: &mut Tx, tenant: Tenant, id: Uuid) -> AppResult<Customer> {
    let current = load_customer(tx, tenant, id).await?;
    if current.archived {
        return Ok(current);
    }
    let archived = Customer {
        archived: true,
        updated_at: now(),
        ..current
    };
    customers::update(tx, tenant, &archived).await?;
    Ok(archived)
}

pub fn no_valid_fields() -> AppError {
    AppError::new(
        ErrorCode::NoValidFields,
        "The body names no field that can be updated.",
    )
}
