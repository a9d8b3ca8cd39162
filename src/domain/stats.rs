//! The numbers a team lead reads: agreement between agents and leads (percent and Cohen's
//! kappa with its Landis–Koch label), customer math for a period, and open-case ages.

use jiff::Timestamp;

use super::{Customer, CustomerStatus, Road};

/// Agent's road (row) against the lead's road (column) over reviewed calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Agreement {
    pub matrix: [[u64; 4]; 4],
}

impl Agreement {
    pub fn add(&mut self, agent: Road, lead: Road, count: u64) {
        self.matrix[usize::from(agent.number() - 1)][usize::from(lead.number() - 1)] += count;
    }

    pub fn merge(&mut self, other: &Agreement) {
        for (row, other_row) in self.matrix.iter_mut().zip(other.matrix.iter()) {
            for (cell, other_cell) in row.iter_mut().zip(other_row.iter()) {
                *cell += other_cell;
            }
        }
    }

    /// How many reviewed calls the figures rest on.
    pub fn total(&self) -> u64 {
        self.matrix.iter().flatten().sum()
    }

    pub fn agreed(&self) -> u64 {
        (0..4).map(|i| self.matrix[i][i]).sum()
    }

    /// Share of reviewed calls where the lead chose the agent's road (p_o), if any.
    pub fn percent(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.agreed() as f64 / total as f64)
    }

    /// Unweighted Cohen's kappa, κ = (p_o − p_e)/(1 − p_e); `None` when there are no
    /// reviewed calls or p_e = 1 (both raters always used the same single road).
    pub fn kappa(&self) -> Option<f64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let n = total as f64;
        let p_o = self.agreed() as f64 / n;
        let p_e: f64 = (0..4)
            .map(|i| {
                let row: u64 = self.matrix[i].iter().sum();
                let column: u64 = self.matrix.iter().map(|r| r[i]).sum();
                (row as f64 / n) * (column as f64 / n)
            })
            .sum();
        if (1.0 - p_e).abs() < 1e-12 {
            return None;
        }
        Some((p_o - p_e) / (1.0 - p_e))
    }

    /// Half the width of kappa's 95% interval: 1.96 times Cohen's (1960) large-sample
    /// standard error √(p_o(1 − p_o)/n) / (1 − p_e). `None` where kappa is undefined.
    /// It says nothing useful below `FEW_REVIEWS` (all agreeing on 3 calls gives ±0).
    pub fn kappa_margin(&self) -> Option<f64> {
        self.kappa()?;
        let n = self.total() as f64;
        let p_o = self.agreed() as f64 / n;
        let p_e: f64 = (0..4)
            .map(|i| {
                let row: u64 = self.matrix[i].iter().sum();
                let column: u64 = self.matrix.iter().map(|r| r[i]).sum();
                (row as f64 / n) * (column as f64 / n)
            })
            .sum();
        Some(1.96 * (p_o * (1.0 - p_o) / n).sqrt() / (1.0 - p_e))
    }

    /// Too few reviewed calls for kappa's label to be trusted (see `FEW_REVIEWS`).
    pub fn few(&self) -> bool {
        self.total() < FEW_REVIEWS
    }
}

/// Below this many reviewed calls kappa is marked "few" instead of given a margin. With n
/// reviews the 95% margin of the agreement share alone reaches 1.96·√(0.25/n) = 0.98/√n,
/// which is wider than one Landis–Koch band (0.20) until n = 25: with fewer, the label
/// may be a band or more off, and the large-sample margin is not to be trusted either.
pub const FEW_REVIEWS: u64 = 25;

/// What to read beside a kappa: "±0.12" (its 95% margin), "few" below `FEW_REVIEWS`,
/// nothing when kappa is undefined.
pub fn kappa_caveat(agreement: &Agreement) -> Option<String> {
    let margin = agreement.kappa_margin()?;
    Some(if agreement.few() {
        "(few)".to_string()
    } else {
        format!("±{margin:.2}")
    })
}

/// "κ 0.62 substantial ±0.12", "κ 1.00 almost perfect (few)" or "κ n/a".
pub fn agreement_kappa_text(agreement: &Agreement) -> String {
    let text = kappa_text(agreement.kappa());
    match kappa_caveat(agreement) {
        Some(caveat) => format!("{text} {caveat}"),
        None => text,
    }
}

/// Landis and Koch's (1977) words for a kappa value.
pub fn landis_koch(kappa: f64) -> &'static str {
    if kappa < 0.0 {
        "poor"
    } else if kappa <= 0.20 {
        "slight"
    } else if kappa <= 0.40 {
        "fair"
    } else if kappa <= 0.60 {
        "moderate"
    } else if kappa <= 0.80 {
        "substantial"
    } else {
        "almost perfect"
    }
}

/// "κ 0.41 moderate", or "κ n/a" when kappa is undefined. The label is that of the
/// value as shown (two decimals), so "0.40" always reads "fair".
pub fn kappa_text(kappa: Option<f64>) -> String {
    match kappa {
        Some(k) => {
            let shown = (k * 100.0).round() / 100.0;
            format!("κ {shown:.2} {}", landis_koch(shown))
        }
        None => "κ n/a".into(),
    }
}

/// "73%", or "n/a".
pub fn percent_text(share: Option<f64>) -> String {
    match share {
        Some(share) => format!("{:.0}%", share * 100.0),
        None => "n/a".into(),
    }
}

/// What happened to a customer, as customer math counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerEvent {
    /// Became a customer (created with any status but `lost`).
    Gained,
    /// Moved to `lost`.
    Lost,
    /// Moved from `lost` back to any other status.
    WonBack,
}

impl CustomerEvent {
    pub const ALL: [CustomerEvent; 3] = [
        CustomerEvent::Gained,
        CustomerEvent::Lost,
        CustomerEvent::WonBack,
    ];

    pub fn code(self) -> u8 {
        match self {
            CustomerEvent::Gained => 1,
            CustomerEvent::Lost => 2,
            CustomerEvent::WonBack => 3,
        }
    }

    pub fn from_code(code: u8) -> Option<CustomerEvent> {
        CustomerEvent::ALL.into_iter().find(|e| e.code() == code)
    }

    /// How the event moves the number of current customers.
    pub fn delta(self) -> i64 {
        match self {
            CustomerEvent::Gained | CustomerEvent::WonBack => 1,
            CustomerEvent::Lost => -1,
        }
    }
}

/// The customer-math events in a customer's recorded status history.
pub fn customer_events(customer: &Customer) -> Vec<(Timestamp, CustomerEvent)> {
    let mut events = Vec::new();
    let first_status = customer
        .status_history
        .first()
        .map(|c| c.from.unwrap_or(c.to))
        .unwrap_or(customer.status);
    if first_status != CustomerStatus::Lost {
        events.push((customer.created_at, CustomerEvent::Gained));
    }
    for change in &customer.status_history {
        let Some(from) = change.from else { continue };
        match (
            from == CustomerStatus::Lost,
            change.to == CustomerStatus::Lost,
        ) {
            (false, true) => events.push((change.at, CustomerEvent::Lost)),
            (true, false) => events.push((change.at, CustomerEvent::WonBack)),
            _ => {}
        }
    }
    events
}

/// Customer math for a period: S customers at the start, E at the end, L lost, and N
/// the customers who joined or came back during it (gained plus won back), so that
/// retention (E − N)/S counts only the starting customers who stayed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CustomerMath {
    pub start: i64,
    pub gained: i64,
    pub lost: i64,
    pub won_back: i64,
}

impl CustomerMath {
    pub fn end(&self) -> i64 {
        self.start + self.gained - self.lost + self.won_back
    }

    pub fn net(&self) -> i64 {
        self.gained - self.lost
    }

    /// N: customers who joined or came back during the period.
    pub fn arrived(&self) -> i64 {
        self.gained + self.won_back
    }

    /// (E − N) / S: the share of the starting customers still customers at the end.
    pub fn retention(&self) -> Option<f64> {
        (self.start > 0).then(|| (self.end() - self.arrived()) as f64 / self.start as f64)
    }

    /// L / S.
    pub fn churn(&self) -> Option<f64> {
        (self.start > 0).then(|| self.lost as f64 / self.start as f64)
    }

    pub fn count(&mut self, event: CustomerEvent, n: i64) {
        match event {
            CustomerEvent::Gained => self.gained += n,
            CustomerEvent::Lost => self.lost += n,
            CustomerEvent::WonBack => self.won_back += n,
        }
    }
}

/// Age buckets of open cases, in days since they were opened.
pub const AGE_BUCKETS: [&str; 4] = ["< 2 days", "2–7 days", "8–30 days", "> 30 days"];

/// The bucket (index into `AGE_BUCKETS`) of a case opened `age_days` ago.
pub fn age_bucket(age_days: i64) -> usize {
    match age_days {
        ..=1 => 0,
        2..=7 => 1,
        8..=30 => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StatusChange;
    use Road::*;

    fn two_by_two(yes_yes: u64, yes_no: u64, no_yes: u64, no_no: u64) -> Agreement {
        let mut a = Agreement::default();
        a.add(Learn, Learn, yes_yes);
        a.add(Learn, Care, yes_no);
        a.add(Care, Learn, no_yes);
        a.add(Care, Care, no_no);
        a
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn kappa_matches_published_examples() {
        // Wikipedia, "Cohen's kappa", simple example: 50 proposals, p_o 0.7, p_e 0.5.
        let a = two_by_two(20, 5, 10, 15);
        assert!(close(a.percent().unwrap(), 0.7));
        assert!(close(a.kappa().unwrap(), 0.4));
        // Same article, same agreement (60%) but different marginals: 0.1304 and 0.2593.
        assert!(close(
            two_by_two(45, 15, 25, 15).kappa().unwrap(),
            0.130_435
        ));
        assert!(close(two_by_two(25, 35, 5, 35).kappa().unwrap(), 0.259_259));
    }

    #[test]
    fn kappa_at_its_edges() {
        // Perfect agreement over several roads.
        let mut perfect = Agreement::default();
        perfect.add(Learn, Learn, 3);
        perfect.add(Teach, Teach, 5);
        perfect.add(GoAway, GoAway, 2);
        assert_eq!(perfect.kappa(), Some(1.0));
        assert_eq!(perfect.percent(), Some(1.0));
        // Chance level: agreement exactly what the marginals predict.
        assert!(close(two_by_two(25, 25, 25, 25).kappa().unwrap(), 0.0));
        // Systematic disagreement: negative kappa.
        let negative = two_by_two(0, 5, 5, 0);
        assert!(close(negative.kappa().unwrap(), -1.0));
        assert_eq!(landis_koch(negative.kappa().unwrap()), "poor");
        // Both always chose the same single road: p_e = 1, kappa undefined.
        let mut single = Agreement::default();
        single.add(Care, Care, 7);
        assert_eq!(single.kappa(), None);
        assert_eq!(single.percent(), Some(1.0));
        assert_eq!(kappa_text(single.kappa()), "κ n/a");
        // No reviewed calls at all.
        assert_eq!(Agreement::default().kappa(), None);
        assert_eq!(Agreement::default().percent(), None);
    }

    #[test]
    fn kappa_on_few_reviews_is_marked_and_on_many_has_a_margin() {
        // The case: three reviews, all agreeing, "almost perfect".
        let mut three = Agreement::default();
        three.add(Learn, Learn, 1);
        three.add(Care, Care, 1);
        three.add(Teach, Teach, 1);
        assert_eq!(three.kappa(), Some(1.0));
        assert!(three.few());
        assert_eq!(agreement_kappa_text(&three), "κ 1.00 almost perfect (few)");
        // One below and at the threshold.
        let below = two_by_two(12, 0, 0, FEW_REVIEWS - 13);
        assert_eq!(below.total(), FEW_REVIEWS - 1);
        assert!(agreement_kappa_text(&below).ends_with("(few)"));
        let at = two_by_two(12, 0, 0, FEW_REVIEWS - 12);
        assert!(!at.few());
        assert_eq!(agreement_kappa_text(&at), "κ 1.00 almost perfect ±0.00");
        // Wikipedia's 50 proposals: p_o 0.7, p_e 0.5, so SE = √(0.21/50)/0.5 = 0.1296
        // and the 95% margin 0.254.
        let fifty = two_by_two(20, 5, 10, 15);
        assert!(!fifty.few());
        assert!(close(
            fifty.kappa_margin().unwrap(),
            1.96 * (0.21f64 / 50.0).sqrt() / 0.5
        ));
        assert_eq!(agreement_kappa_text(&fifty), "κ 0.40 fair ±0.25");
        // Undefined kappa carries no caveat.
        assert_eq!(agreement_kappa_text(&Agreement::default()), "κ n/a");
        let mut single = Agreement::default();
        single.add(Care, Care, 30);
        assert_eq!(agreement_kappa_text(&single), "κ n/a");
    }

    #[test]
    fn landis_koch_labels_at_their_boundaries() {
        assert_eq!(landis_koch(-0.01), "poor");
        assert_eq!(landis_koch(0.0), "slight");
        assert_eq!(landis_koch(0.20), "slight");
        assert_eq!(landis_koch(0.2001), "fair");
        assert_eq!(landis_koch(0.40), "fair");
        assert_eq!(landis_koch(0.41), "moderate");
        assert_eq!(landis_koch(0.60), "moderate");
        assert_eq!(landis_koch(0.61), "substantial");
        assert_eq!(landis_koch(0.80), "substantial");
        assert_eq!(landis_koch(0.81), "almost perfect");
        assert_eq!(landis_koch(1.0), "almost perfect");
        assert_eq!(kappa_text(Some(0.4)), "κ 0.40 fair");
        assert_eq!(kappa_text(Some(0.4009)), "κ 0.40 fair");
        assert_eq!(kappa_text(Some(0.4051)), "κ 0.41 moderate");
    }

    #[test]
    fn age_buckets_at_their_edges() {
        assert_eq!(age_bucket(0), 0);
        assert_eq!(age_bucket(1), 0);
        assert_eq!(age_bucket(2), 1);
        assert_eq!(age_bucket(7), 1);
        assert_eq!(age_bucket(8), 2);
        assert_eq!(age_bucket(30), 2);
        assert_eq!(age_bucket(31), 3);
    }

    fn customer(
        created: &str,
        history: &[(&str, Option<CustomerStatus>, CustomerStatus)],
    ) -> Customer {
        Customer {
            id: crate::domain::new_id(),
            name: "Fixture".into(),
            phone: None,
            email: None,
            segment: None,
            external_id: None,
            status: history.last().map(|h| h.2).unwrap_or(CustomerStatus::New),
            do_not_contact: false,
            created_at: created.parse().unwrap(),
            status_history: history
                .iter()
                .map(|(at, from, to)| StatusChange {
                    at: at.parse().unwrap(),
                    from: *from,
                    to: *to,
                    by: "lead".into(),
                })
                .collect(),
            last_contact: None,
            do_not_contact_note: None,
            merged: Vec::new(),
        }
    }

    #[test]
    fn customer_events_follow_the_status_history() {
        use CustomerStatus::*;
        let lost_and_back = customer(
            "2026-01-05T10:00:00Z",
            &[
                ("2026-01-05T10:00:00Z", None, New),
                ("2026-02-01T10:00:00Z", Some(New), Active),
                ("2026-03-01T10:00:00Z", Some(Active), Lost),
                ("2026-04-01T10:00:00Z", Some(Lost), WonBack),
            ],
        );
        let events: Vec<CustomerEvent> = customer_events(&lost_and_back)
            .into_iter()
            .map(|e| e.1)
            .collect();
        assert_eq!(
            events,
            vec![
                CustomerEvent::Gained,
                CustomerEvent::Lost,
                CustomerEvent::WonBack
            ]
        );
        // Imported as already lost: not gained, but winning them back counts.
        let imported_lost = customer(
            "2026-01-05T10:00:00Z",
            &[
                ("2026-01-05T10:00:00Z", None, Lost),
                ("2026-05-01T10:00:00Z", Some(Lost), Active),
            ],
        );
        let events: Vec<CustomerEvent> = customer_events(&imported_lost)
            .into_iter()
            .map(|e| e.1)
            .collect();
        assert_eq!(events, vec![CustomerEvent::WonBack]);
    }

    #[test]
    fn customer_math_with_known_answers() {
        // 100 customers at the start; 10 gained, 8 lost, 2 won back during the period.
        let math = CustomerMath {
            start: 100,
            gained: 10,
            lost: 8,
            won_back: 2,
        };
        assert_eq!(math.end(), 104);
        assert_eq!(math.net(), 2);
        assert_eq!(math.arrived(), 12);
        // (104 − 12)/100: the 8 lost are the only starting customers who did not stay.
        assert!(close(math.retention().unwrap(), 0.92));
        assert!(close(math.churn().unwrap(), 0.08));
        let empty = CustomerMath::default();
        assert_eq!(empty.retention(), None);
        assert_eq!(empty.churn(), None);
    }
}
