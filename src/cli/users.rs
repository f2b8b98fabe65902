//! `mecred users`: who may use the database (issue 7). Only an admin may
//! change users; who you are is your OS login, never a typed name. The
//! first user to set up users becomes the database's admin.

use std::io::Write as _;

use serde_json::json;

use super::args::UsersCommand;
use super::{Context, Refused, Status, now};
use crate::domain::{Role, User};
use crate::store::Store;

/// Runs `mecred users …`.
pub fn run(ctx: &Context, c: UsersCommand) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let caller = ctx.os_user();
    match c {
        UsersCommand::List => list(ctx, &store),
        UsersCommand::Refusals => refusals(ctx, &store),
        UsersCommand::Add {
            name,
            role,
            district,
        } => {
            ctx.check_writable("users add")?;
            admin(ctx, &store, &caller, true)?;
            match (role, &district) {
                (Role::District, None) => {
                    return Err(Refused("a district user needs --district CODE".into()).into());
                }
                (Role::District, Some(d)) if !store.districts()?.iter().any(|x| &x.code == d) => {
                    return Err(Refused(format!("there is no district {d}")).into());
                }
                (r, Some(_)) if r != Role::District => {
                    return Err(Refused("only a district user has a --district".into()).into());
                }
                _ => {}
            }
            let user = User {
                name: name.clone(),
                role,
                district,
                added_by: caller.clone(),
                added_at: now(),
            };
            store.put_user(&user)?;
            if ctx.json {
                writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&user)?)?;
            } else {
                writeln!(ctx.out(), "{name} is a{} {}", article(role), role.as_str())?;
            }
            Ok(Status::Ok)
        }
        UsersCommand::Remove { name } => {
            ctx.check_writable("users remove")?;
            admin(ctx, &store, &caller, false)?;
            if name == caller {
                return Err(Refused("an admin cannot remove themselves".into()).into());
            }
            if !store.remove_user(&name)? {
                return Err(Refused(format!("{name} is not a user")).into());
            }
            writeln!(ctx.out(), "{name} removed")?;
            Ok(Status::Ok)
        }
    }
}

fn article(r: Role) -> &'static str {
    match r {
        Role::Admin | Role::Operator | Role::Auditor => "n",
        Role::District => "",
    }
}

/// Refuses unless `caller` is an admin; with no users yet, `caller`
/// becomes the admin when `first` (adding the first user).
fn admin(ctx: &Context, store: &Store, caller: &str, first: bool) -> anyhow::Result<()> {
    if store.users()?.is_empty() {
        if !first {
            return Err(Refused("there are no users yet".into()).into());
        }
        store.put_user(&User {
            name: caller.to_string(),
            role: Role::Admin,
            district: None,
            added_by: caller.to_string(),
            added_at: now(),
        })?;
        writeln!(
            ctx.err(),
            "mecred: {caller} is this database's first user and its admin"
        )?;
        return Ok(());
    }
    match store.user(caller)? {
        Some(u) if u.role == Role::Admin => Ok(()),
        Some(u) => Err(Refused(format!(
            "{caller} is a{} {}: only an admin manages users",
            article(u.role),
            u.role.as_str()
        ))
        .into()),
        None => Err(Refused(format!("{caller} is not a user of this database")).into()),
    }
}

/// `users refusals`: every refused write, oldest first.
fn refusals(ctx: &Context, store: &Store) -> anyhow::Result<Status> {
    let refusals = store.refusals()?;
    let mut out = ctx.out();
    if ctx.json {
        let doc = json!({ "refusals": refusals });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(Status::Ok);
    }
    if refusals.is_empty() {
        writeln!(out, "no write has been refused")?;
    }
    for r in refusals {
        writeln!(
            out,
            "{:>5}  {}  {:<12}  {:<20}  {}",
            r.seq, r.at, r.user, r.request, r.reason
        )?;
    }
    Ok(Status::Ok)
}

fn list(ctx: &Context, store: &Store) -> anyhow::Result<Status> {
    let users = store.users()?;
    if ctx.json {
        writeln!(
            ctx.out(),
            "{}",
            serde_json::to_string_pretty(&json!({ "users": users }))?
        )?;
        return Ok(Status::Ok);
    }
    if users.is_empty() {
        writeln!(ctx.out(), "no users yet: the database's owner is its admin")?;
    }
    for u in users {
        let d = u.district.map(|d| format!(" {d}")).unwrap_or_default();
        writeln!(ctx.out(), "{:<16} {}{d}", u.name, u.role.as_str())?;
    }
    Ok(Status::Ok)
}
