//! Totals of a 10-line and a 500-line invoice.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use invoicer_domain::{
    invoice::{Content, Line, VatRounding},
    money::Currency,
    totals,
    vat::{Vat, VatCategory},
};
use rust_decimal::Decimal;

fn content(lines: usize) -> Content {
    Content {
        currency: Currency::parse("EUR").unwrap(),
        lines: (0..lines)
            .map(|i| Line {
                description: format!("Item {i}"),
                quantity: Decimal::new(i as i64 % 17 + 1, 0),
                unit_code: "C62".into(),
                unit_price: Decimal::new(1999 + i as i64, 2),
                vat: Vat {
                    category: VatCategory::S,
                    rate: Some(Decimal::new(if i % 3 == 0 { 9 } else { 21 }, 0)),
                },
                allowances_charges: Vec::new(),
                exemption: None,
                item: Default::default(),
                note: None,
            })
            .collect(),
        allowances_charges: Vec::new(),
        prepaid: Decimal::ZERO,
        vat_rounding: VatRounding::PerCategory,
    }
}

fn bench(c: &mut Criterion) {
    for n in [10, 500] {
        let content = content(n);
        c.bench_function(&format!("totals of {n} lines"), |b| {
            b.iter(|| totals::compute(black_box(&content)))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
