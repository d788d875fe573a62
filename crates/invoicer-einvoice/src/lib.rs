//! UBL 2.1 documents and the EN 16931 / Peppol BIS Billing 3.0 business rules. No IO.
