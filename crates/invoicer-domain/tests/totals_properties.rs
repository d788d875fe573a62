//! Properties of the totals that must hold for every invoice.

use invoicer_domain::{
    invoice::{AllowanceCharge, Content, Line, VatRounding},
    money::{self, Currency},
    totals,
    vat::{Vat, VatCategory},
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn decimal(max_int: i64, scale: u32) -> impl Strategy<Value = Decimal> {
    let max = max_int * 10i64.pow(scale);
    (0..max).prop_map(move |n| Decimal::new(n, scale))
}

fn vat() -> impl Strategy<Value = Vat> {
    prop_oneof![
        prop::sample::select(vec!["5", "6", "7.7", "9", "12.5", "19", "21", "25"]).prop_map(|r| {
            Vat {
                category: VatCategory::S,
                rate: Some(r.parse().unwrap()),
            }
        }),
        Just(Vat {
            category: VatCategory::Z,
            rate: Some(Decimal::ZERO)
        }),
        Just(Vat {
            category: VatCategory::AE,
            rate: Some(Decimal::ZERO)
        }),
        Just(Vat {
            category: VatCategory::O,
            rate: None
        }),
    ]
}

fn line() -> impl Strategy<Value = Line> {
    (
        decimal(1_000_000, 3),
        decimal(1_000_000, 4),
        vat(),
        prop::option::of(decimal(100, 2)),
    )
        .prop_map(|(quantity, unit_price, vat, allowance)| Line {
            description: "item".into(),
            quantity,
            unit_code: "C62".into(),
            unit_price,
            vat,
            allowances_charges: allowance
                .map(|amount| AllowanceCharge {
                    is_charge: false,
                    amount,
                    base_amount: None,
                    percentage: None,
                    reason: Some("discount".into()),
                    reason_code: None,
                    vat: None,
                    exemption: None,
                })
                .into_iter()
                .collect(),
            exemption: None,
            item: Default::default(),
            note: None,
        })
}

fn content() -> impl Strategy<Value = Content> {
    (
        prop::sample::select(vec!["EUR", "JPY", "KWD", "USD"]),
        prop::collection::vec(line(), 1..40),
        prop::collection::vec((any::<bool>(), decimal(1000, 2), vat()), 0..3),
        decimal(1000, 2),
        prop_oneof![Just(VatRounding::PerCategory), Just(VatRounding::PerLine)],
    )
        .prop_map(|(currency, lines, acs, prepaid, vat_rounding)| Content {
            currency: Currency::parse(currency).unwrap(),
            lines,
            allowances_charges: acs
                .into_iter()
                .map(|(is_charge, amount, vat)| AllowanceCharge {
                    is_charge,
                    amount,
                    base_amount: None,
                    percentage: None,
                    reason: Some("adjustment".into()),
                    reason_code: None,
                    vat: Some(vat),
                    exemption: None,
                })
                .collect(),
            prepaid,
            vat_rounding,
        })
}

proptest! {
    #[test]
    fn the_totals_add_up(content in content()) {
        let t = totals::compute(&content);
        let scale = content.currency.amount_scale();
        prop_assert_eq!(t.payable, t.tax_inclusive - t.prepaid);
        prop_assert_eq!(t.tax_inclusive, t.tax_exclusive + t.tax_total);
        prop_assert_eq!(t.tax_exclusive, t.line_extension - t.allowance_total + t.charge_total);
        prop_assert_eq!(t.tax_total, t.vat_breakdown.iter().map(|s| s.tax_amount).sum::<Decimal>());
        let line_nets: Decimal = content.lines.iter().map(|l| totals::line_net(content.currency, l)).sum();
        prop_assert_eq!(t.line_extension, line_nets);
        for amount in [t.line_extension, t.tax_total, t.tax_inclusive, t.payable] {
            prop_assert_eq!(amount.scale(), scale);
        }
    }

    #[test]
    fn each_category_tax_is_its_rounded_base_times_its_rate(content in content()) {
        let content = Content { vat_rounding: VatRounding::PerCategory, ..content };
        let t = totals::compute(&content);
        for s in &t.vat_breakdown {
            let rate = s.rate.unwrap_or_default();
            prop_assert_eq!(s.tax_amount, content.currency.round(s.taxable_amount * rate / Decimal::ONE_HUNDRED));
        }
    }

    #[test]
    fn per_line_rounding_stays_within_half_a_cent_per_line_of_per_category(content in content()) {
        let per_category = totals::compute(&Content { vat_rounding: VatRounding::PerCategory, ..content.clone() });
        let per_line = totals::compute(&Content { vat_rounding: VatRounding::PerLine, ..content.clone() });
        let unit = Decimal::new(1, content.currency.amount_scale());
        let n = Decimal::from(content.lines.len() + content.allowances_charges.len());
        prop_assert!((per_category.tax_total - per_line.tax_total).abs() <= unit * n);
    }

    #[test]
    fn extreme_inputs_are_refused_at_parse_time_never_overflowing(int in "[0-9]{1,40}", frac in "[0-9]{0,30}") {
        let text = if frac.is_empty() { int } else { format!("{int}.{frac}") };
        for bounds in [money::PRICE, money::QUANTITY, money::PERCENT, money::TOTAL] {
            if let Ok(d) = money::parse_decimal(&text, bounds) {
                prop_assert!(d.abs() < Decimal::from(10u64.pow(bounds.int_digits)));
                prop_assert!(d.scale() <= bounds.max_scale);
            }
        }
    }
}
