//! Server administration: `/api/v1/admin/*` (server admins only; client tokens are in
//! [`super::tokens`]).

use super::{NoBody, NoQuery};
use crate::v1::{
    AdminMessagesQuery, AdminUser, AdminUserPage, AuditPage, ListQuery, MessagePage, PageQuery,
    ServerStats, UserId,
};

endpoints! {
    /// List users with their admin and disabled flags.
    Get "/api/v1/admin/users" => AdminUsers {}
        body: NoBody, query: ListQuery, response: AdminUserPage;
    /// Disable an account.
    Post "/api/v1/admin/users/{user_id}/disable" => DisableUser { user_id: UserId }
        body: NoBody, query: NoQuery, response: AdminUser;
    /// Enable a disabled account.
    Post "/api/v1/admin/users/{user_id}/enable" => EnableUser { user_id: UserId }
        body: NoBody, query: NoQuery, response: AdminUser;
    /// One user's messages, newest first (the query's `user_id` is ignored).
    Get "/api/v1/admin/users/{user_id}/messages" => AdminUserMessages { user_id: UserId }
        body: NoBody, query: AdminMessagesQuery, response: MessagePage;
    /// All messages, newest first, filtered by lobby, author and time.
    Get "/api/v1/admin/messages" => AdminMessages {}
        body: NoBody, query: AdminMessagesQuery, response: MessagePage;
    /// Server statistics.
    Get "/api/v1/admin/stats" => AdminStats {}
        body: NoBody, query: NoQuery, response: ServerStats;
    /// The audit log of admin actions, newest first.
    Get "/api/v1/admin/audit" => AdminAudit {}
        body: NoBody, query: PageQuery, response: AuditPage;
}
