//! The sign-in form: its keys (fields, focus, sign-in or register) and its submission as an
//! [`Effect::Login`].

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::is_quit;
use crate::effect::{Effect, Secret};
use crate::state::{App, LoginField};

pub(super) fn login_field(app: &mut App) -> &mut String {
    match app.login.focus {
        LoginField::Server => &mut app.login.server,
        LoginField::Username => &mut app.login.username,
        LoginField::Password => &mut app.login.password,
    }
}

pub(super) fn login_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if is_quit(key) || key.code == KeyCode::Esc {
        app.quit = true;
        return;
    }
    if app.login.busy {
        return;
    }
    let next = |f: LoginField| match f {
        LoginField::Server => LoginField::Username,
        LoginField::Username => LoginField::Password,
        LoginField::Password => LoginField::Server,
    };
    let previous = |f: LoginField| next(next(f));
    match key.code {
        KeyCode::Char('r') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            app.login.register = !app.login.register;
        }
        KeyCode::F(2) => app.login.register = !app.login.register,
        KeyCode::Tab | KeyCode::Down => app.login.focus = next(app.login.focus),
        KeyCode::BackTab | KeyCode::Up => app.login.focus = previous(app.login.focus),
        KeyCode::Enter => {
            let form = &app.login;
            if form.focus != LoginField::Password && form.password.is_empty() {
                app.login.focus = next(form.focus);
            } else {
                submit_login(app, fx);
            }
        }
        KeyCode::Backspace => {
            login_field(app).pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            let field = login_field(app);
            if field.len() < 512 {
                field.push(c);
            }
        }
        _ => {}
    }
}

fn submit_login(app: &mut App, fx: &mut Vec<Effect>) {
    let form = &mut app.login;
    let server = form.server.trim().trim_end_matches('/').to_owned();
    if !(server.starts_with("http://") || server.starts_with("https://")) {
        form.error = Some("the server URL starts with http:// or https://".into());
        form.focus = LoginField::Server;
        return;
    }
    if let Err(e) = chat_core::v1::Username::parse(form.username.trim()) {
        form.error = Some(e.to_string());
        form.focus = LoginField::Username;
        return;
    }
    if form.password.is_empty() {
        form.error = Some("enter your password".into());
        form.focus = LoginField::Password;
        return;
    }
    form.error = None;
    form.busy = true;
    form.server = server.clone();
    fx.push(Effect::Login {
        server,
        username: form.username.trim().to_owned(),
        password: Secret(form.password.clone()),
        register: form.register,
    });
}
