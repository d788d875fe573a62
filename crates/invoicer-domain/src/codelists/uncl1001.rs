//! UNTDID 1001 document name codes, the invoice and credit note subsets.

use super::CodeList;

/// Codes allowed as an invoice type code.
pub static INVOICE_TYPES: CodeList = CodeList::new(
    "UNTDID 1001 (invoice subset)",
    "CEN EN 16931 validation artefacts 1.3.14.1",
    &[
        "102", "130", "202", "203", "204", "211", "218", "219", "295", "325", "326", "331", "380",
        "382", "383", "384", "385", "386", "387", "388", "389", "390", "393", "394", "395", "456",
        "457", "471", "472", "473", "500", "501", "502", "503", "527", "553", "575", "623", "633",
        "71", "751", "780", "80", "81", "817", "82", "84", "870", "875", "876", "877", "935",
    ],
);

/// Codes allowed as a credit note type code.
pub static CREDIT_NOTE_TYPES: CodeList = CodeList::new(
    "UNTDID 1001 (credit note subset)",
    "CEN EN 16931 validation artefacts 1.3.14.1",
    &[
        "261", "262", "296", "308", "381", "396", "420", "458", "532", "81", "83",
    ],
);

/// Invoice type codes Peppol BIS Billing allows.
pub static PEPPOL_INVOICE_TYPES: CodeList = CodeList::new(
    "UNTDID 1001 (Peppol invoice subset)",
    "Peppol BIS Billing 3.0.19",
    &[
        "102", "218", "219", "326", "331", "380", "382", "383", "384", "386", "388", "393", "395",
        "553", "575", "623", "71", "780", "80", "817", "82", "84", "870", "875", "876", "877",
    ],
);

/// Credit note type codes Peppol BIS Billing allows.
pub static PEPPOL_CREDIT_NOTE_TYPES: CodeList = CodeList::new(
    "UNTDID 1001 (Peppol credit note subset)",
    "Peppol BIS Billing 3.0.19",
    &["381", "396", "532", "81", "83"],
);
