//! The Dashboard view (F4): road mix as bars and a table, a sparkline of the weekly
//! road-4 share, agreement with kappa, customer math, open cases by age, top tags and
//! the latest stories. Two columns on a wide terminal, one scrolling column otherwise;
//! every figure is written as a number, so nothing depends on colour.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::queue::pad;
use super::{Theme, safe};
use crate::app::State;
use crate::domain::Road;
use crate::domain::stats::Agreement;
use crate::domain::stats::{
    AGE_BUCKETS, FEW_REVIEWS, agreement_kappa_text, kappa_caveat, kappa_text, percent_text,
};
use crate::domain::text::plural;
use crate::store::{AgentFigures, Dashboard, road4_share};

const BAR_WIDTH: usize = 20;
const SPARK: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

pub(super) fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let board = &state.dashboard;
    let today = state.clock.today();
    let status = if board.loading { "  updating…" } else { "" };
    let title = format!(" Dashboard: {}{status} ", board.period.describe(today));
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Span::styled(title, theme.heading));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(figures) = &board.figures else {
        frame.render_widget(
            Paragraph::new(Line::styled("Computing the figures…", theme.dim)),
            inner,
        );
        return;
    };
    let scroll = board.scroll as u16;
    if inner.width >= 110 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                .areas(inner);
        let mut first = roads(figures, theme);
        first.extend(agents(figures, state, theme, left.width >= 84));
        let mut second = customers(figures, theme);
        second.extend(cases_and_themes(figures, state, theme));
        draw(frame, left, first, scroll);
        draw(frame, right, second, scroll);
    } else {
        let mut lines = roads(figures, theme);
        lines.extend(agents(figures, state, theme, false));
        lines.extend(customers(figures, theme));
        lines.extend(cases_and_themes(figures, state, theme));
        draw(frame, inner, lines, scroll);
    }
}

fn draw(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, scroll: u16) {
    let scroll = scroll.min(lines.len().saturating_sub(1) as u16);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

fn bar(count: u64, max: u64) -> String {
    let filled = if max == 0 {
        0
    } else {
        ((count as f64 / max as f64) * BAR_WIDTH as f64).round() as usize
    };
    format!("{}{}", "█".repeat(filled), "·".repeat(BAR_WIDTH - filled))
}

fn share(part: u64, whole: u64) -> String {
    percent_text((whole > 0).then(|| part as f64 / whole as f64))
}

fn roads(figures: &Dashboard, theme: &Theme) -> Vec<Line<'static>> {
    let roads = figures.overall.roads;
    let total: u64 = roads.iter().sum();
    let max = roads.iter().copied().max().unwrap_or(0);
    let mut lines = vec![Line::styled(
        format!(
            "Road mix ({})",
            plural(total, "finished call", "finished calls")
        ),
        theme.heading,
    )];
    for road in Road::ALL {
        let n = roads[usize::from(road.number() - 1)];
        lines.push(Line::from(vec![
            Span::styled(format!("  {}", pad(&road.label(), 10)), theme.road(road)),
            Span::styled(bar(n, max), theme.road(road)),
            Span::raw(format!(" {n:>5} {:>4}", share(n, total))),
        ]));
    }
    lines.push(Line::raw(format!(
        "  Road-4 share {}",
        percent_text(road4_share(&roads))
    )));
    lines.push(sparkline(figures, theme));
    lines.push(Line::raw(""));
    lines
}

fn sparkline(figures: &Dashboard, theme: &Theme) -> Line<'static> {
    let shares: Vec<Option<f64>> = figures
        .weekly_road4
        .iter()
        .map(|(_, road4, all)| (*all > 0).then(|| *road4 as f64 / *all as f64))
        .collect();
    let peak = shares.iter().flatten().copied().fold(0.0_f64, f64::max);
    let spark: String = shares
        .iter()
        .map(|share| match share {
            None => ' ',
            Some(_) if peak == 0.0 => SPARK[0],
            Some(s) => SPARK[((s / peak) * (SPARK.len() - 1) as f64).round() as usize],
        })
        .collect();
    let latest = shares.last().copied().flatten();
    Line::from(vec![
        Span::raw("  Weekly road-4 share (12 wk): "),
        Span::styled(spark, theme.road(Road::GoAway)),
        Span::raw(format!(
            " now {}, peak {}",
            percent_text(latest),
            percent_text(Some(peak))
        )),
    ])
}

fn agents(figures: &Dashboard, state: &State, theme: &Theme, wide: bool) -> Vec<Line<'static>> {
    let overall = &figures.overall.agreement;
    let mut lines = vec![
        Line::styled(
            format!(
                "Agreement with leads ({})",
                plural(overall.total(), "reviewed call", "reviewed calls")
            ),
            theme.heading,
        ),
        Line::raw(format!(
            "  Everyone: {} agree · {}",
            percent_text(overall.percent()),
            agreement_kappa_text(overall)
        )),
        Line::raw(super::road_hint::agreement_text(&state.road_hint)),
        Line::raw(""),
        Line::styled(
            if wide {
                "  Agent          calls   1   2   3   4 road-4  reviewed agree  kappa"
            } else {
                "  Agent          calls road-4 rev. agree kappa"
            },
            theme.heading,
        ),
    ];
    if figures.agents.is_empty() {
        lines.push(Line::styled(
            "  No finished calls in this period.",
            theme.dim,
        ));
    }
    // Colleagues' road mix, road-4 share and agreement are for leads: an agent sees the
    // team's totals above and their own row (README, "What a member can read").
    let agent_view = state.role == crate::domain::call::Role::Agent;
    for agent in &figures.agents {
        if agent_view && agent.agent != state.agent {
            continue;
        }
        lines.push(Line::raw(agent_row(agent, wide)));
    }
    if agent_view && figures.agents.iter().any(|a| a.agent != state.agent) {
        lines.push(Line::styled(
            "  Colleagues' figures are for team leads.",
            theme.dim,
        ));
    }
    if overall.total() > 0 {
        lines.push(Line::styled(
            format!(
                "  ± 95% margin of kappa · (few): under {FEW_REVIEWS} reviews, too few to judge"
            ),
            theme.dim,
        ));
    }
    lines.push(Line::raw(""));
    lines
}

/// The kappa column: "0.62 substantial ±0.12", "1.00 almost perfect (few)" or "n/a".
fn kappa_cell(agreement: &Agreement) -> String {
    let kappa = kappa_text(agreement.kappa());
    let kappa = kappa.trim_start_matches("κ ");
    match kappa_caveat(agreement) {
        Some(caveat) => format!("{kappa} {caveat}"),
        None => kappa.to_string(),
    }
}

fn agent_row(agent: &AgentFigures, wide: bool) -> String {
    let name = pad(&safe(&agent.agent), 14);
    let agreement = &agent.agreement;
    if wide {
        let [r1, r2, r3, r4] = agent.roads;
        format!(
            "  {name} {:>5} {r1:>3} {r2:>3} {r3:>3} {r4:>3} {:>6} {:>9} {:>5}  {}",
            agent.calls(),
            percent_text(agent.road4_share()),
            agreement.total(),
            percent_text(agreement.percent()),
            kappa_cell(agreement)
        )
    } else {
        format!(
            "  {name} {:>5} {:>6} {:>4} {:>5} {}",
            agent.calls(),
            percent_text(agent.road4_share()),
            agreement.total(),
            percent_text(agreement.percent()),
            kappa_cell(agreement)
        )
    }
}

fn customers(figures: &Dashboard, theme: &Theme) -> Vec<Line<'static>> {
    let math = figures.customers;
    vec![
        Line::styled("Customer math", theme.heading),
        Line::raw(format!(
            "  Gained {} · Lost {} · Won back {} · Net {:+}",
            math.gained,
            math.lost,
            math.won_back,
            math.net()
        )),
        Line::raw(format!(
            "  S {} + gained {} + won back {} − lost {} = E {}",
            math.start,
            math.gained,
            math.won_back,
            math.lost,
            math.end()
        )),
        Line::styled("  Net is gained − lost; E − S = net + won back", theme.dim),
        Line::raw(format!(
            "  Retention {} = (E − N)/S = ({} − {})/{}",
            percent_text(math.retention()),
            math.end(),
            math.arrived(),
            math.start
        )),
        Line::raw(format!(
            "  Churn {} = L/S = {}/{}",
            percent_text(math.churn()),
            math.lost,
            math.start
        )),
        Line::styled("  S customers at the start, E at the end,", theme.dim),
        Line::styled(
            format!(
                "  N {} joined or came back, L {} lost",
                math.arrived(),
                math.lost
            ),
            theme.dim,
        ),
        Line::raw(""),
    ]
}

fn cases_and_themes(figures: &Dashboard, state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!(
            "Open cases now: {} ({} overdue)",
            figures.open_cases, figures.overdue
        ),
        theme.heading,
    )];
    let max = figures.case_ages.iter().copied().max().unwrap_or(0);
    for (label, n) in AGE_BUCKETS.iter().zip(figures.case_ages) {
        lines.push(Line::raw(format!(
            "  {} {} {n:>4}",
            pad(label, 10),
            bar(n, max)
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Top tags", theme.heading));
    if figures.top_tags.is_empty() {
        lines.push(Line::styled("  No tags in this period.", theme.dim));
    } else {
        let tags: Vec<String> = figures
            .top_tags
            .iter()
            .map(|(tag, n)| format!("#{} {n}", safe(tag)))
            .collect();
        lines.push(Line::styled(
            format!("  {}", tags.join(" · ")),
            theme.highlight,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Latest stories", theme.heading));
    if figures.stories.is_empty() {
        lines.push(Line::styled(
            "  No stories (> lines) in this period.",
            theme.dim,
        ));
    }
    for story in &figures.stories {
        lines.push(Line::styled(
            format!("  “{}”", safe(&story.text)),
            theme.highlight,
        ));
        // Under blind review a lead sees no agent's road here: the story's call may be
        // one they have not reviewed yet.
        let blind = state.review.blind && state.role == crate::domain::call::Role::Lead;
        let road = if blind {
            String::new()
        } else {
            format!("{}, ", story.road.map_or("no road".into(), |r| r.label()))
        };
        lines.push(Line::styled(
            format!(
                "    {}, {road}{}",
                safe(&story.customer),
                state.clock.date_time(story.at)
            ),
            theme.dim,
        ));
    }
    lines
}
