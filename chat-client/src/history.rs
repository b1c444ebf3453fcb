//! History as a stream that fetches pages lazily, as it is polled.

use chat_core::v1::{HistoryQuery, Message, MessageId, PageLimit};
use futures_util::stream::{self, Stream, TryStreamExt};

use crate::client::Conversation;
use crate::{Client, Error};

#[derive(Clone, Copy)]
enum Direction {
    Backward,
    Forward,
}

enum Position {
    Start(Option<MessageId>),
    Next(MessageId),
    Done,
}

impl Client {
    /// Every message of a conversation, newest first, one page of `page_size` fetched at a
    /// time as the stream is polled. Walking is by keyset cursor, so messages posted while
    /// walking cause neither gaps nor duplicates.
    pub fn history(
        &self,
        conversation: impl Into<Conversation>,
        page_size: PageLimit,
    ) -> impl Stream<Item = Result<Message, Error>> + Send + 'static {
        self.walk(conversation.into(), page_size, Direction::Backward, None)
    }

    /// The messages after `after`, oldest first, up to the newest, fetched page by page.
    pub fn history_after(
        &self,
        conversation: impl Into<Conversation>,
        after: MessageId,
        page_size: PageLimit,
    ) -> impl Stream<Item = Result<Message, Error>> + Send + 'static {
        self.walk(
            conversation.into(),
            page_size,
            Direction::Forward,
            Some(after),
        )
    }

    fn walk(
        &self,
        conversation: Conversation,
        page_size: PageLimit,
        direction: Direction,
        start: Option<MessageId>,
    ) -> impl Stream<Item = Result<Message, Error>> + Send + 'static {
        let client = self.clone();
        stream::try_unfold(Position::Start(start), move |position| {
            let client = client.clone();
            async move {
                let anchor = match position {
                    Position::Done => return Ok::<_, Error>(None),
                    Position::Start(anchor) => anchor,
                    Position::Next(id) => Some(id),
                };
                let query = match direction {
                    Direction::Backward => HistoryQuery {
                        before: anchor,
                        after: None,
                        limit: Some(page_size),
                    },
                    Direction::Forward => HistoryQuery {
                        before: None,
                        after: anchor,
                        limit: Some(page_size),
                    },
                };
                let page = client.history_page(conversation, &query).await?;
                let next = match page.next_cursor {
                    Some(cursor) => Position::Next(cursor),
                    None => Position::Done,
                };
                Ok(Some((page.items, next)))
            }
        })
        .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
        .try_flatten()
    }
}
