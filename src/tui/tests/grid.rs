//! The module grid's cell cursor, horizontal scroll, `[grid]` keys and
//! findings panel, at 80×24 and 300×80.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::{app, draw, press, text};
use crate::tui::app::{GridView, Screen};
use crate::tui::progress::Module;
use crate::tui::theme::Theme;

fn grid(a: &crate::tui::App) -> &GridView {
    match a.screen() {
        Some(Screen::Grid(g)) => g,
        other => panic!("not the grid: {other:?}"),
    }
}

/// (x, y) of the first `needle` on the first line containing `line_has`
/// and `needle`.
fn find(buf: &Buffer, line_has: &str, needle: &str) -> Option<(u16, u16)> {
    let s = text(buf);
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(line_has) && l.contains(needle))?;
    let x = line.find(needle)?;
    Some((
        u16::try_from(line[..x].chars().count()).ok()?,
        u16::try_from(y).ok()?,
    ))
}

fn line_of<'a>(s: &'a str, has: &str) -> &'a str {
    s.lines()
        .find(|l| l.contains(has))
        .unwrap_or_else(|| panic!("no line with {has:?} in\n{s}"))
}

#[test]
fn right_and_left_move_the_cursor_column_not_the_screen() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "enter enter tab down");
    assert_eq!(grid(&a).column, 0);
    press(&mut a, &src, "left");
    assert_eq!(
        grid(&a).column,
        0,
        "stops at the first column, stays on the grid"
    );
    press(&mut a, &src, "right right");
    let (row, module) = grid(&a).selected_cell().unwrap();
    assert_eq!(row.student.last_name, "Broussard");
    assert_eq!(module, Module::Presentation);
    press(&mut a, &src, "right right right right right right");
    assert_eq!(grid(&a).selected_module(), Module::RegionalCore);
    press(&mut a, &src, "left");
    assert_eq!(grid(&a).selected_module(), Module::CertificationExam);
    // The row keys still move the row; the column stays.
    press(&mut a, &src, "down");
    let (row, module) = grid(&a).selected_cell().unwrap();
    assert_eq!(
        (row.student.last_name.as_str(), module),
        ("Landry", Module::CertificationExam)
    );
    // Esc goes back, enter opens the selected student.
    press(&mut a, &src, "enter");
    assert!(matches!(a.screen(), Some(Screen::Detail(d)) if d.id.as_str() == "1000000001"));
    press(&mut a, &src, "esc esc");
    assert!(matches!(a.screen(), Some(Screen::Schools { .. })));
}

#[test]
fn vim_h_and_l_move_the_column_in_the_grid_only() {
    let (mut a, src) = app("vim", Theme::color());
    press(&mut a, &src, "l l tab");
    assert_eq!(grid(&a).column, 0);
    press(&mut a, &src, "l l l h");
    assert_eq!(grid(&a).selected_module(), Module::Presentation);
    assert!(
        matches!(a.screen(), Some(Screen::Grid(_))),
        "l did not open"
    );
    press(&mut a, &src, "h h h");
    assert!(
        matches!(a.screen(), Some(Screen::Grid(_))),
        "h did not go back"
    );
    assert_eq!(grid(&a).column, 0);
}

#[test]
fn at_80_columns_the_modules_scroll_to_keep_the_cursor_in_view() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "enter enter tab");
    let s = text(&draw(&a, 80, 24));
    let header = line_of(&s, "Student");
    assert!(header.contains("SA R1") && header.contains("Exam"), "{s}");
    assert!(!header.contains("Core") && !header.contains('‹'), "{s}");
    assert!(header.trim_end_matches('│').ends_with('›'), "{s}");
    // The name is not squeezed: Arceneaux, Cal shows whole.
    assert!(line_of(&s, "Arceneaux").contains("Arceneaux, Cal "), "{s}");
    press(&mut a, &src, "right right right right right");
    let s = text(&draw(&a, 80, 24));
    assert!(!line_of(&s, "Student").contains("Core"), "not yet: {s}");
    press(&mut a, &src, "right");
    let s = text(&draw(&a, 80, 24));
    let header = line_of(&s, "Student");
    assert!(header.contains("Core") && header.contains('‹'), "{s}");
    assert!(!header.contains("SA R1") && !header.contains('›'), "{s}");
    assert!(
        line_of(&s, "Landry").contains("26-10-05"),
        "SA R2 shows: {s}"
    );
    assert!(
        !line_of(&s, "Landry").contains("26-08-20"),
        "SA R1 scrolled: {s}"
    );
    insta::assert_snapshot!("grid_scrolled_80x24", s);
    press(&mut a, &src, "left left left left left left");
    let header = text(&draw(&a, 80, 24));
    assert!(line_of(&header, "Student").contains("SA R1"), "{header}");
}

#[test]
fn at_300_columns_everything_shows_and_nothing_scrolls() {
    let (mut a, src) = app("default", Theme::color());
    press(
        &mut a,
        &src,
        "enter enter tab down right right right right right right",
    );
    let buf = draw(&a, 300, 80);
    let s = text(&buf);
    let header = line_of(&s, "Student");
    for m in Module::ALL {
        assert!(header.contains(m.short()), "{m:?} in {header}");
    }
    assert!(!header.contains('‹') && !header.contains('›'), "{header}");
    assert!(header.contains("ID"), "{header}");
    // The panel sits beside the grid, on the same lines.
    let (px, py) = find(&buf, "Findings ·", "Findings ·").unwrap();
    let (gx, gy) = find(&buf, "Module grid", "Module grid").unwrap();
    assert_eq!(py, gy);
    assert!(px > gx + 100, "{s}");
    assert!(
        line_of(&s, "Findings ·").contains("Broussard, Ben · ▸ Core"),
        "{s}"
    );
    assert!(s.contains("! SA-SUBSTITUTE"), "{s}");
    insta::assert_snapshot!("grid_300x80", s);
}

/// The cursor cell is bold + underlined and not reversed inside the
/// reversed selected row; its column's header is reversed.
fn assert_cursor_at(buf: &Buffer, row_has: &str, cell_text: &str, header: &str) {
    let (x, y) = find(buf, row_has, cell_text).unwrap();
    for dx in 0..8 {
        let c = &buf[(x + dx, y)];
        assert!(
            c.modifier.contains(Modifier::BOLD | Modifier::UNDERLINED),
            "{dx}: {c:?}"
        );
        assert!(!c.modifier.contains(Modifier::REVERSED), "{dx}: {c:?}");
    }
    // Elsewhere in the selected row: reversed, not underlined.
    let (nx, _) = find(buf, cell_text, row_has).unwrap();
    let name = &buf[(nx, y)];
    assert!(name.modifier.contains(Modifier::REVERSED), "{name:?}");
    assert!(!name.modifier.contains(Modifier::UNDERLINED), "{name:?}");
    let (hx, hy) = find(buf, "Student", header).unwrap();
    assert!(buf[(hx, hy)].modifier.contains(Modifier::REVERSED));
    let (ox, _) = find(buf, "Student", "Student").unwrap();
    assert!(!buf[(ox, hy)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn the_selected_cell_is_marked_with_and_without_colour() {
    for theme in [Theme::color(), Theme::no_color()] {
        let (mut a, src) = app("default", theme);
        press(&mut a, &src, "enter enter tab down down right");
        for (w, h) in [(80, 24), (300, 80)] {
            let buf = draw(&a, w, h);
            // Landry's SA R2 is 26-10-05.
            assert_cursor_at(&buf, "Landry", "26-10-05", "SA R2");
            let (x, y) = find(&buf, "Landry", "26-10-05").unwrap();
            if theme == Theme::color() {
                assert_eq!(buf[(x, y)].bg, Color::Cyan);
            } else {
                for c in &buf.content {
                    assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset));
                }
            }
        }
    }
}

#[test]
fn the_panel_lists_the_selected_rows_findings_the_cursor_columns_first() {
    let (mut a, src) = app("default", Theme::no_color());
    press(&mut a, &src, "enter enter tab");
    let s = text(&draw(&a, 80, 24));
    assert!(s.contains("Findings · Arceneaux, Cal · ▸ SA R1"), "{s}");
    assert!(s.contains("No findings for this student."), "{s}");
    press(&mut a, &src, "down");
    let s = text(&draw(&a, 80, 24));
    // The panel is below the grid at 80 columns.
    let grid_y = s.lines().position(|l| l.contains("Module grid")).unwrap();
    let panel_y = s.lines().position(|l| l.contains("Findings ·")).unwrap();
    assert!(panel_y > grid_y + 5, "{s}");
    let lines: Vec<&str> = s.lines().skip(panel_y + 1).take(4).collect();
    // SA R1's findings first and marked, the rest after.
    assert!(
        lines[0].starts_with("│▸") && lines[0].contains("SA-"),
        "{s}"
    );
    assert!(
        lines[1].starts_with("│▸") && lines[1].contains("SA-"),
        "{s}"
    );
    assert!(
        lines[2].starts_with("│ ") && lines[2].contains("PRES-"),
        "{s}"
    );
    assert!(
        s.contains("! SA-SUBSTITUTE") && s.contains("~ SA-BEFORE-11"),
        "{s}"
    );
    assert!(s.contains("mentor checklist N"), "the message shows: {s}");
    let buf = draw(&a, 80, 24);
    let (x, y) = find(&buf, "SA-SUBSTITUTE", "SA-SUBSTITUTE").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    // On Presentation its findings come first instead.
    press(&mut a, &src, "right right");
    let s = text(&draw(&a, 80, 24));
    let panel_y = s.lines().position(|l| l.contains("Findings ·")).unwrap();
    let first = s.lines().nth(panel_y + 1).unwrap();
    assert!(first.starts_with("│▸") && first.contains("PRES-"), "{s}");
    assert!(line_of(&s, "SA-SUBSTITUTE").starts_with("│ "), "{s}");
    // Only this grid's students are kept, and only their findings.
    let g = grid(&a);
    assert!(g.notes.keys().all(|id| g.list.row(0).is_some()
        && (0..g.list.len()).any(|i| g.list.row(i).is_some_and(|r| &r.student.id == id))));
    assert_eq!(g.selected_findings().len(), 4);
}

#[test]
fn a_short_panel_says_how_many_more() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "enter enter tab down");
    // 18 rows: body 16, panel 5 (3 lines inside): two findings + "2 more".
    let s = text(&draw(&a, 80, 18));
    assert!(s.contains("… 2 more (enter opens the student)"), "{s}");
    // Too short for a panel: the rows come first.
    let s = text(&draw(&a, 80, 14));
    assert!(!s.contains("Findings ·"), "{s}");
    assert!(s.contains("Broussard, Ben"), "{s}");
}

#[test]
fn help_lists_the_grid_keys() {
    for (keymap, left, right, back) in [
        ("default", "left", "right", "esc, backspace"),
        ("vim", "h, left", "l, right", "esc, backspace"),
    ] {
        let (mut a, src) = app(keymap, Theme::color());
        let to_grid = if keymap == "vim" {
            "l l tab"
        } else {
            "enter enter tab"
        };
        press(&mut a, &src, to_grid);
        press(&mut a, &src, "?");
        let s = text(&draw(&a, 80, 40));
        assert!(s.contains("Grid keys"), "{s}");
        let l = line_of(&s, "column_left");
        assert!(
            l.contains(left) && l.contains("move the cell cursor left"),
            "{s}"
        );
        let r = line_of(&s, "column_right");
        assert!(r.contains(right), "{s}");
        // left/right are the grid's: the list's back/open no longer list them.
        let b = line_of(&s, " back ");
        assert!(b.contains(back) && !b.contains("left"), "{keymap}: {s}");
        assert!(!line_of(&s, " open ").contains("right"), "{keymap}: {s}");
        let gy = s.lines().position(|l| l.contains("Grid keys")).unwrap();
        let ly = s.lines().position(|l| l.contains("List keys")).unwrap();
        assert!(gy < ly, "grid keys first: {s}");
    }
}

#[test]
fn the_grid_renders_at_every_size_and_column_without_panic() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "enter enter tab down");
    let mut states = Vec::new();
    for keys in ["", "right right right", "right right right"] {
        press(&mut a, &src, keys);
        states.push(a.clone());
    }
    let sizes = (1..=300u16)
        .step_by(11)
        .flat_map(|w| (1..=80u16).step_by(5).map(move |h| (w, h)));
    for (w, h) in sizes.chain([(1, 1), (300, 80), (80, 24), (172, 24), (171, 14)]) {
        for s in &states {
            let mut s = s.clone();
            s.resize(w, h);
            draw(&s, w, h);
        }
    }
}
