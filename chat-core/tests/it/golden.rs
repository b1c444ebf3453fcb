//! A golden JSON sample for every wire type: each must decode and encode back to exactly
//! the same JSON. A renamed field or variant breaks one of these, not a client.

use chat_core::v1::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[track_caller]
fn round_trip<T: Serialize + DeserializeOwned>(json: &str) {
    let expected: Value = serde_json::from_str(json).expect("the sample is JSON");
    let decoded: T = serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", std::any::type_name::<T>()));
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(
        encoded,
        expected,
        "{} changed shape",
        std::any::type_name::<T>()
    );
}

macro_rules! golden {
    ($($name:ident: $ty:ty = $json:expr;)*) => {
        $(
            #[test]
            fn $name() {
                round_trip::<$ty>($json);
            }
        )*
    };
}

const USER: &str = r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","username":"alice","display_name":"Alice","description":"hi","created_at":"2026-11-21T18:22:08.123Z"}"#;
const ACCOUNT: &str = r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","username":"alice","display_name":"Alice","description":"","email":"alice@example.com","is_admin":false,"created_at":"2026-11-21T18:22:08Z"}"#;
const MESSAGE: &str = r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","seq":7,"author":{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","username":"alice","display_name":"Alice"},"content":"hello\nworld","created_at":"2026-11-21T18:22:08.123Z","edited_at":null}"#;
const LOBBY: &str = r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","name":"general","description":"","visibility":"public","created_by":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","created_at":"2026-11-21T18:22:08.123Z","member_count":3,"last_seq":7,"membership":{"role":"admin","joined_at":"2026-11-21T18:22:08.123Z","read_seq":5,"unread_count":2,"unread_mention_count":1}}"#;

fn with(template: &str, key: &str, value: &str) -> String {
    template.replace(&format!("{{{key}}}"), value)
}

golden! {
    error_body: ErrorBody = r#"{"error":{"code":"validation_failed","message":"username must be at least 3 characters long","details":{"field":"username"}}}"#;
    error_body_without_details: ErrorBody = r#"{"error":{"code":"not_found","message":"lobby not found"}}"#;
    register_request: RegisterRequest = r#"{"username":"alice","password":"correct horse","email":"alice@example.com","display_name":"Alice"}"#;
    register_request_minimal: RegisterRequest = r#"{"username":"alice","password":"correct horse"}"#;
    login_request: LoginRequest = r#"{"username":"alice","password":"correct horse"}"#;
    user: User = USER;
    account: Account = ACCOUNT;
    update_account_request: UpdateAccountRequest = r#"{"display_name":"Al","description":"","email":null,"password":"new password","current_password":"old password"}"#;
    update_account_request_empty: UpdateAccountRequest = r#"{}"#;
    lobby: Lobby = LOBBY;
    lobby_seen_from_outside: Lobby = r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","name":"secret","description":"d","visibility":"private","created_by":null,"created_at":"2026-11-21T18:22:08.123Z","member_count":1,"last_seq":0,"membership":null}"#;
    create_lobby_request: CreateLobbyRequest = r#"{"name":"general","description":"all welcome","visibility":"private"}"#;
    update_lobby_request: UpdateLobbyRequest = r#"{"name":"lounge","visibility":"public"}"#;
    member: Member = &with(r#"{"user":{user},"role":"member","joined_at":"2026-11-21T18:22:08.123Z"}"#, "user", USER);
    add_member_request: AddMemberRequest = r#"{"role":"admin"}"#;
    update_member_request: UpdateMemberRequest = r#"{"role":"member"}"#;
    member_page: MemberPage = &with(r#"{"items":[{"user":{user},"role":"admin","joined_at":"2026-11-21T18:22:08.123Z"}],"next_cursor":"alice"}"#, "user", USER);
    message: Message = MESSAGE;
    message_of_a_deleted_account: Message = r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","seq":1,"author":null,"content":"hi","created_at":"2026-11-21T18:22:08.123Z","edited_at":"2026-11-21T18:23:00Z"}"#;
    send_message_request: SendMessageRequest = r#"{"content":"hello"}"#;
    send_message_request_with_nonce: SendMessageRequest = r#"{"content":"hello","nonce":"retry-1"}"#;
    admin_user_page: AdminUserPage = &with(r#"{"items":[{"user":{user},"is_admin":true,"disabled":false}],"next_cursor":null}"#, "user", USER);
    admin_messages_query: AdminMessagesQuery = r#"{"lobby_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","since":"2026-11-21T00:00:00Z","limit":20}"#;
    server_stats: ServerStats = r#"{"users":3,"lobbies":2,"messages":40,"open_connections":5}"#;
    audit_page: AuditPage = r#"{"items":[{"actor_id":null,"action":"admin.grant","target":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","created_at":"2026-11-21T18:22:08Z"},{"actor_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","action":"message.delete","target":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","created_at":"2026-11-21T18:23:08Z"}],"next_cursor":"x"}"#;
    create_api_token_request: CreateApiTokenRequest = r#"{"name":"deploy bot","scopes":["read","write"],"expires_at":"2027-01-01T00:00:00Z"}"#;
    create_client_token_request: CreateClientTokenRequest = r#"{"name":"signup app"}"#;
    created_api_token: CreatedApiToken = r#"{"token":"chat_pat_00ff","info":{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f75","kind":"personal","name":"deploy bot","scopes":["read"],"created_at":"2026-11-21T18:22:08Z","expires_at":null,"last_used_at":null,"revoked":false}}"#;
    api_token_list: ApiTokenList = r#"{"items":[{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f75","kind":"client","name":"signup app","scopes":[],"created_at":"2026-11-21T18:22:08Z","expires_at":"2027-01-01T00:00:00Z","last_used_at":"2026-11-21T19:00:00Z","revoked":true}]}"#;
    mark_read_request: MarkReadRequest = r#"{"seq":12}"#;
    read_cursor: ReadCursor = r#"{"conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","read_seq":12}"#;
    edit_message_request: EditMessageRequest = r#"{"content":"hello again"}"#;
    message_page: MessagePage = &with(r#"{"items":[{message}],"next_cursor":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72"}"#, "message", MESSAGE);
    chat: Chat = &with(&with(r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","partner":{user},"created_at":"2026-11-21T18:22:08.123Z","last_message":{message},"last_seq":7,"read_seq":6,"unread_count":1,"unread_mention_count":0}"#, "user", USER), "message", MESSAGE);
    open_chat_request: OpenChatRequest = r#"{"user_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70"}"#;
    chat_list: ChatList = r#"{"items":[]}"#;
    user_page: UserPage = &with(r#"{"items":[{user}],"next_cursor":null}"#, "user", USER);
    lobby_list: LobbyList = &with(r#"{"items":[{lobby}]}"#, "lobby", LOBBY);
    lobby_page: LobbyPage = &with(r#"{"items":[{lobby}],"next_cursor":"general\n01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71"}"#, "lobby", LOBBY);
    list_query: ListQuery = r#"{"q":"al","limit":20,"after":"alice"}"#;
    page_query: PageQuery = r#"{"limit":100}"#;
    history_query: HistoryQuery = r#"{"before":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","limit":50}"#;
    message_with_reply_reactions_and_pin: Message = r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f74","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","seq":8,"author":null,"content":"yes","created_at":"2026-11-21T18:22:08.123Z","edited_at":null,"reply_to":{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","seq":7,"author":null,"excerpt":"","deleted":true},"reactions":[{"emoji":"👍","count":2,"me":true},{"emoji":"🎉","count":1,"me":false}],"pinned_at":"2026-11-21T18:23:00Z"}"#;
    send_message_request_replying: SendMessageRequest = r#"{"content":"yes","reply_to":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72"}"#;
    reactor_page: ReactorPage = r#"{"items":[{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","username":"alice","display_name":"Alice"}],"next_cursor":"1763749328123.01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70"}"#;
    pin_list: PinList = &with(r#"{"items":[{"message":{message},"pinned_by":null,"pinned_at":"2026-11-21T18:23:00Z"}]}"#, "message", MESSAGE);
    client_reaction_add: ClientFrame = r#"{"type":"reaction.add","message_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","emoji":"👍","nonce":"n-2"}"#;
    client_message_unpin: ClientFrame = r#"{"type":"message.unpin","message_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72"}"#;
    server_reaction_removed: ServerFrame = r#"{"type":"reaction.removed","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","seq":9,"message_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","message_seq":7,"user_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","emoji":"👍","count":0}"#;
    server_message_pinned: ServerFrame = r#"{"type":"message.pinned","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","seq":10,"message_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","message_seq":7,"user_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","at":"2026-11-21T18:23:00Z"}"#;
    message_with_mentions: Message = r#"{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f74","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","seq":9,"author":null,"content":"@bob @here","created_at":"2026-11-21T18:22:08.123Z","edited_at":null,"mentions":["01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f73"],"broadcast":"here"}"#;
    mention_query: MentionQuery = r#"{"before":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","limit":20}"#;
    mention_page: MentionPage = &with(r#"{"items":[{"message":{message},"read":false}],"next_cursor":null}"#, "message", MESSAGE);
    client_ping: ClientFrame = r#"{"type":"ping"}"#;
    server_pong: ServerFrame = r#"{"type":"pong"}"#;
    server_error: ServerFrame = r#"{"type":"error","code":"rate_limited","message":"slow down","nonce":"n-1","retry_after_ms":1500}"#;
}

#[test]
fn auth_response_round_trips() {
    round_trip::<AuthResponse>(&with(
        r#"{"user":{account},"token":"eyJ.x.y","expires_at":"2026-11-22T18:22:08Z"}"#,
        "account",
        ACCOUNT,
    ));
}

#[test]
fn enums_use_their_documented_names() {
    assert_eq!(
        serde_json::to_value(Visibility::Public).ok(),
        Some("public".into())
    );
    assert_eq!(
        serde_json::to_value(Visibility::Private).ok(),
        Some("private".into())
    );
    assert_eq!(serde_json::to_value(Role::Admin).ok(), Some("admin".into()));
    assert_eq!(
        serde_json::to_value(Role::Member).ok(),
        Some("member".into())
    );
}

#[test]
fn request_bodies_refuse_unknown_fields() {
    assert!(serde_json::from_str::<SendMessageRequest>(r#"{"content":"x","seq":1}"#).is_err());
    assert!(
        serde_json::from_str::<UpdateMemberRequest>(r#"{"role":"admin","user_id":"x"}"#).is_err()
    );
    assert!(
        serde_json::from_str::<CreateLobbyRequest>(r#"{"name":"x","created_by":"y"}"#).is_err()
    );
}

#[test]
fn request_bodies_apply_the_validation_rules() {
    assert!(serde_json::from_str::<SendMessageRequest>(r#"{"content":"   "}"#).is_err());
    assert!(
        serde_json::from_str::<RegisterRequest>(r#"{"username":"a","password":"correct horse"}"#)
            .is_err()
    );
    assert!(serde_json::from_str::<ListQuery>(r#"{"limit":0}"#).is_err());
    assert!(serde_json::from_str::<OpenChatRequest>(r#"{"user_id":"not-an-id"}"#).is_err());
}
