//! The terminal, the input loop and the effects. Idle means idle: the loop
//! blocks on crossterm's `read()`, drains whatever else is already queued
//! (coalescing key-repeat bursts), then draws once. No timer, no mouse
//! capture, no clearing per frame (STYLE.md §5).

use std::time::Duration;

use anyhow::Context as _;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::TuiOptions;
use super::app::{App, Effect, Loaded, Request, StudentRecord};
use super::keymap::{self, Chord};
use super::source::Source;
use super::theme::Theme;

/// Runs the TUI on the real terminal until `quit`. Keymap mistakes are
/// printed to stderr before the screen is taken; an unknown keymap name is
/// an error. The terminal is restored on every path: a guard for returns,
/// ratatui's chained panic hook for panics.
pub fn run(source: &dyn Source, opts: &TuiOptions) -> anyhow::Result<()> {
    if !keymap::BUILTIN.iter().any(|(n, _)| *n == opts.keymap) {
        anyhow::bail!(
            "unknown keymap `{}`; built-in keymaps: {}",
            opts.keymap,
            keymap::builtin_names()
        );
    }
    let user = keymap::user_keymap_path();
    let (keymap, errors) = keymap::load_keymap(&opts.keymap, user.as_deref());
    for e in &errors {
        eprintln!("mecred: keymap: {e}");
    }
    let mut app = App::new(
        keymap,
        Theme::from_env(),
        opts.today,
        &opts.db_label,
        opts.read_only,
    );
    // try_init installs a panic hook that restores the terminal, then calls
    // the previous hook.
    let terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let mut guard = Guard(terminal);
    let start = app.start();
    event_loop(&mut guard.0, &mut app, source, start)
}

/// Restores the terminal when dropped, so `?` returns leave it usable.
struct Guard(DefaultTerminal);

impl Drop for Guard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    source: &dyn Source,
    start: Vec<Effect>,
) -> anyhow::Result<()> {
    let size = terminal.size().context("cannot read the terminal size")?;
    app.resize(size.width, size.height);
    let mut clear = run_effects(app, source, start);
    loop {
        if clear {
            terminal.clear().context("cannot clear the terminal")?;
        }
        terminal
            .draw(|f| super::render(app, f))
            .context("cannot draw")?;
        if app.should_quit {
            return Ok(());
        }
        // Block until something happens, then take everything queued.
        let mut events = vec![event::read().context("cannot read the terminal")?];
        while event::poll(Duration::ZERO).context("cannot read the terminal")? {
            events.push(event::read().context("cannot read the terminal")?);
        }
        clear = false;
        for ev in events {
            let effects = handle_event(app, &ev);
            clear |= run_effects(app, source, effects);
            if app.should_quit {
                return Ok(());
            }
        }
    }
}

/// Turns one terminal event into effects.
pub fn handle_event(app: &mut App, ev: &Event) -> Vec<Effect> {
    match ev {
        // Release and repeat-kind events (kitty protocol) would double keys.
        Event::Key(k) if k.kind == KeyEventKind::Press => match Chord::from_event(k) {
            Some(chord) => app.key(chord),
            None => Vec::new(),
        },
        Event::Resize(w, h) => {
            app.resize(*w, *h);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Runs effects against the source, feeding results back into the app;
/// returns whether the terminal should be cleared before the next draw.
pub fn run_effects(app: &mut App, source: &dyn Source, effects: Vec<Effect>) -> bool {
    let mut clear = false;
    for effect in effects {
        match effect {
            Effect::Load(req) => app.loaded(load(source, req)),
            Effect::Redraw => clear = true,
            Effect::Quit => app.should_quit = true,
        }
    }
    clear
}

fn text<T>(r: anyhow::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("{e:#}"))
}

/// Performs one read.
pub fn load(source: &dyn Source, req: Request) -> Loaded {
    match req {
        Request::Districts => Loaded::Districts(text(source.districts())),
        Request::Schools(code) => {
            let r = text(source.schools(&code));
            Loaded::Schools(code, r)
        }
        Request::Students(code) => {
            let r = text(source.students_of_school(&code));
            Loaded::Students(code, r)
        }
        Request::Student(id) => {
            let record = source.student(&id).and_then(|s| match s {
                Some(student) => {
                    let exams = source.exams_of(&id)?;
                    Ok(Some(StudentRecord { student, exams }))
                }
                None => Ok(None),
            });
            Loaded::Student(id, text(record))
        }
    }
}
