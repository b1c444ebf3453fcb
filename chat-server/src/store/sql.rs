//! Building multi-row statements that bind on both databases: the placeholder of each bound
//! value and the `VALUES` rows of a batch insert.

use std::fmt::Write as _;

use super::Backend;

/// Appends the placeholder of the `n`th bound value (counting from 1): `$n` for PostgreSQL,
/// an anonymous `?` for SQLite. So every placeholder of these statements is bound exactly
/// once, in the order of the text. Why not `$n` on SQLite too: sqlx asks SQLite for the name
/// of every parameter when binding, and SQLite answers each question by scanning all the
/// names, which made binding a 1,500-value batch quadratic (12 % of the server's CPU under
/// load); anonymous parameters have no names to scan.
pub(super) fn mark(sql: &mut String, backend: Backend, n: usize) {
    match backend {
        Backend::Sqlite => sql.push('?'),
        Backend::Postgres => {
            let _ = write!(sql, "${n}");
        }
    }
}

/// `(?, ?, …), (…)`: `rows` rows of `columns` placeholders, the first bound value `first`.
pub(super) fn placeholders(backend: Backend, rows: usize, columns: usize, first: usize) -> String {
    let mut sql = String::new();
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            mark(&mut sql, backend, first + row * columns + column);
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::{Backend, placeholders};

    #[test]
    fn placeholders_number_rows_and_columns_on_postgres() {
        let pg = Backend::Postgres;
        assert_eq!(placeholders(pg, 2, 3, 1), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(placeholders(pg, 1, 2, 5), "($5, $6)");
        assert_eq!(placeholders(pg, 0, 2, 1), "");
    }

    #[test]
    fn placeholders_are_anonymous_on_sqlite() {
        assert_eq!(placeholders(Backend::Sqlite, 2, 2, 1), "(?, ?), (?, ?)");
    }
}
