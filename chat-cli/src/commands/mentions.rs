//! `mentions`: the inbox of messages that call you.

use chat_core::v1::{MentionQuery, MessageId, PageLimit};

use super::names::Names;
use crate::context::Context;
use crate::failure::Failure;

pub async fn run(
    ctx: &Context,
    limit: u32,
    before: Option<MessageId>,
    unread: bool,
) -> Result<(), Failure> {
    let query = MentionQuery {
        before,
        limit: Some(PageLimit::new(limit).map_err(|e| Failure::usage(e.to_string()))?),
    };
    let mut page = ctx.client.mentions(&query).await?;
    if unread {
        page.items.retain(|item| !item.read);
    }
    if ctx.out.json {
        return ctx.out.json(&page);
    }
    let mut names = Names::default();
    let mut lines = Vec::with_capacity(page.items.len());
    for item in &page.items {
        let place = names.conversation(ctx, item.message.conversation_id).await;
        let mark = if item.read {
            " ".to_owned()
        } else {
            ctx.out.bold("●")
        };
        lines.push(format!(
            "{mark} {place} {}",
            ctx.out.message_line(&item.message)
        ));
    }
    if let Some(cursor) = page.next_cursor {
        lines.push(
            ctx.out
                .dim(&format!("more: chat mentions --before {cursor}")),
        );
    }
    if lines.is_empty() {
        lines.push(ctx.out.dim("no mentions"));
    }
    ctx.out.either(&page, |_| lines.join("\n"))
}
