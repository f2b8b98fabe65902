use super::*;

fn seq(s: &str) -> Vec<Chord> {
    notation::parse_sequence(s).unwrap()
}

#[test]
fn builtin_keymaps_parse_without_errors() {
    for (name, _) in BUILTIN {
        let (km, errors) = load_keymap(name, None);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert_eq!(km.name, name);
        for c in Context::ALL {
            assert!(km.bindings(c).next().is_some(), "{name} has no [{c}] keys");
        }
    }
}

#[test]
fn builtin_keymaps_bind_no_key_twice_per_context() {
    // TOML rejects literal duplicates; this catches two spellings of one key
    // (`S-g` and `G`), which the loader reports as "bound twice".
    for (name, text) in BUILTIN {
        let mut km = Keymap::empty(name);
        let mut errors = Vec::new();
        load::merge(&mut km, name, text, &mut errors);
        assert!(
            errors.iter().all(|e| !e.message.contains("twice")),
            "{errors:?}"
        );
    }
    let mut errors = Vec::new();
    load::merge(
        &mut Keymap::empty("t"),
        "t",
        "[list]\nG = \"last\"\nS-g = \"first\"\n",
        &mut errors,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("bound twice"));
}

#[test]
fn every_bound_action_is_documented_and_essentials_are_bound() {
    for (name, _) in BUILTIN {
        let (km, _) = load_keymap(name, None);
        for c in Context::ALL {
            for (_, a) in km.bindings(c) {
                assert!(!a.doc().is_empty());
            }
        }
        let list = [Context::List, Context::Global];
        for a in [
            Action::Up,
            Action::Down,
            Action::Open,
            Action::Back,
            Action::Quit,
            Action::Help,
        ] {
            assert!(
                km.key_for(&list, a).is_some(),
                "{name}: {a} unbound in lists"
            );
        }
        let help = [Context::Help, Context::Global];
        assert!(
            km.key_for(&help, Action::Back).is_some(),
            "{name}: help cannot close"
        );
    }
}

#[test]
fn vim_keymap_has_hjkl_and_gg() {
    let (km, _) = load_keymap("vim", None);
    assert_eq!(km.get(Context::List, &seq("j")), Some(Action::Down));
    assert_eq!(km.get(Context::List, &seq("k")), Some(Action::Up));
    assert_eq!(km.get(Context::List, &seq("g g")), Some(Action::First));
    assert_eq!(
        km.resolve(&[Context::List, Context::Global], &seq("g")),
        Resolved::Pending
    );
    assert_eq!(km.resolve(&[Context::List], &seq("x")), Resolved::Unbound);
}

#[test]
fn screen_keys_shadow_global_keys() {
    let (km, _) = load_keymap("default", None);
    let help = [Context::Help, Context::Global];
    assert_eq!(km.resolve(&help, &seq("q")), Resolved::Action(Action::Back));
    assert_eq!(
        km.resolve(&[Context::List, Context::Global], &seq("q")),
        Resolved::Action(Action::Quit)
    );
    // `q` quits from the global table but is shadowed in help: not listed as quit there.
    assert_eq!(km.key_for(&help, Action::Quit), Some(seq("C-c")));
    assert!(
        !km.active(&help)
            .iter()
            .any(|(c, k, _)| *c == Context::Global && *k == seq("q"))
    );
}

#[test]
fn user_file_merges_per_key_and_none_unbinds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    std::fs::write(
        &path,
        "[list]\nx = \"open\"\nenter = \"none\"\n\n[global]\nq = \"none\"\nQ = \"quit\"\n",
    )
    .unwrap();
    let (km, errors) = load_keymap("default", Some(&path));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(km.get(Context::List, &seq("x")), Some(Action::Open));
    assert_eq!(km.get(Context::List, &seq("enter")), None);
    assert_eq!(
        km.get(Context::List, &seq("down")),
        Some(Action::Down),
        "other keys kept"
    );
    assert_eq!(km.get(Context::Global, &seq("q")), None);
    assert_eq!(km.get(Context::Global, &seq("Q")), Some(Action::Quit));
}

#[test]
fn missing_user_file_is_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let (km, errors) = load_keymap("vim", Some(&dir.path().join("absent.toml")));
    assert!(errors.is_empty());
    assert_eq!(km.name, "vim");
}

#[test]
fn invalid_user_file_reports_path_line_column_and_loads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    let text = "[list]\nx = \"open\"\nctrl-d = \"down\"\ny = \"fly\"\n\n[lsit]\nz = \"up\"\n";
    std::fs::write(&path, text).unwrap();
    let (km, errors) = load_keymap("default", Some(&path));
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let p = path.display();
    assert_eq!(errors.len(), 3, "{shown:?}");
    assert!(
        shown[0].starts_with(&format!("{p}:3:1: unknown key")),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with(&format!("{p}:4:5: unknown action `fly`")),
        "{shown:?}"
    );
    assert!(
        shown[2].starts_with(&format!("{p}:6:2: unknown table `lsit`")),
        "{shown:?}"
    );
    assert_eq!(
        km.get(Context::List, &seq("x")),
        Some(Action::Open),
        "good lines still load"
    );
    assert_eq!(km.get(Context::List, &seq("down")), Some(Action::Down));
}

#[test]
fn toml_syntax_error_has_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    std::fs::write(&path, "[list]\nx = \"open\"\ny = \n").unwrap();
    let (km, errors) = load_keymap("default", Some(&path));
    assert!(!errors.is_empty());
    assert_eq!(errors[0].line, 3, "{errors:?}");
    assert_eq!(km.get(Context::List, &seq("enter")), Some(Action::Open));
}

#[test]
fn overlapping_keys_are_reported() {
    let mut errors = Vec::new();
    let (mut km, _) = load_keymap("vim", None);
    load::merge(&mut km, "u", "[list]\ng = \"last\"\n", &mut errors);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("overlap"));
    assert_eq!((errors[0].line, errors[0].column), (2, 1));
}

#[test]
fn unknown_keymap_name_lists_the_builtin_names() {
    let (km, errors) = load_keymap("emacs", None);
    assert_eq!(km.name, "default");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("unknown keymap `emacs`"));
    assert!(errors[0].message.contains("default, vim"));
}
