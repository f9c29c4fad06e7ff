//! The rows of every entity of the model. Every row belongs to the user who created it (owner_id) and every
//! statement here is scoped to the owner, so another user's row is a not-found, never a forbidden.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use sqlx::{Any, Row, Transaction};

use crate::model::{Entity, Model};
use crate::store::{Arg, Sql, Store, StoreError};
use crate::values::Kind;

/// A row in its API form.
pub type Item = Map<String, Value>;

/// A column an entity's rows are read with, and its kind of value.
struct Column {
    name: String,
    kind: Kind,
}

/// A list request: a page, its order (`field` or `-field`), and equality filters (query text).
pub struct ListQuery {
    pub limit: i64,
    pub offset: i64,
    pub sort: String,
    pub filters: BTreeMap<String, String>,
}

/// The rows of the model's entities in a store.
#[derive(Clone)]
pub struct Rows {
    pub store: Store,
    pub model: std::sync::Arc<Model>,
}

impl Rows {
    fn id_kind(&self) -> Kind {
        Kind::Id {
            uuid: self.model.uuid_ids(),
        }
    }

    fn columns(&self, entity: &Entity) -> Vec<Column> {
        let mut columns = vec![Column {
            name: "id".to_owned(),
            kind: self.id_kind(),
        }];
        columns.extend(entity.fields.iter().map(|f| Column {
            name: f.name.clone(),
            kind: Kind::of_field(&f.r#type, f.scale),
        }));
        columns.extend(entity.parents.iter().map(|p| Column {
            name: p.column.clone(),
            kind: self.id_kind(),
        }));
        columns.push(Column {
            name: "created_at".to_owned(),
            kind: Kind::Instant,
        });
        columns.push(Column {
            name: "updated_at".to_owned(),
            kind: Kind::Instant,
        });
        columns
    }

    fn select(&self, entity: &Entity, columns: &[Column]) -> Sql {
        let vendor = self.store.vendor;
        let list: Vec<String> = columns
            .iter()
            .map(|c| vendor.read_expression(c.kind, &c.name))
            .collect();
        self.store.sql(&format!(
            "SELECT {} FROM {} WHERE ",
            list.join(", "),
            vendor.quote(&entity.table)
        ))
    }

    /// The parameter of an API id (a path parameter or a reference); None when it cannot be one.
    fn id_arg(&self, id: &Value) -> Option<Arg> {
        let value = match id {
            Value::String(text) if !self.model.uuid_ids() => Value::from(text.parse::<i64>().ok()?),
            other => other.clone(),
        };
        self.store.vendor.to_db(self.id_kind(), &value).ok()
    }

    /// A page of the owner's rows and the number of rows the filters match.
    pub async fn list(
        &self,
        entity: &Entity,
        owner: i64,
        query: &ListQuery,
    ) -> Result<(Vec<Item>, i64), StoreError> {
        let columns = self.columns(entity);
        let vendor = self.store.vendor;
        let mut conditions = Vec::new();
        for name in &entity.filters {
            let (Some(text), Some(column)) =
                (query.filters.get(name), columns.iter().find(|c| &c.name == name))
            else {
                continue;
            };
            let value = match column.kind {
                // the contract checked the text is an integer (5, 5.0 or 5e0)
                Kind::Integer | Kind::Id { uuid: false } => text.parse::<i64>().map_or_else(
                    |_| {
                        text.parse::<f64>()
                            .ok()
                            .map_or(Value::Null, |n| serde_json::json!(n))
                    },
                    Value::from,
                ),
                Kind::Boolean => Value::Bool(text == "true"),
                _ => Value::String(text.clone()),
            };
            let arg = vendor
                .to_db(column.kind, &value)
                .map_err(|why| StoreError::NotFound(format!("filter {name} {why}")))?;
            conditions.push((column.name.clone(), column.kind, arg));
        }
        let filtered = |sql: &mut Sql| {
            sql.arg(Kind::Integer, Arg::Int(Some(owner)));
            for (name, kind, arg) in &conditions {
                sql.raw(&format!(" AND {} = ", vendor.quote(name)))
                    .arg(*kind, arg.clone());
            }
        };
        let mut count = self.store.sql(&format!(
            "SELECT COUNT(*) FROM {} WHERE owner_id = ",
            vendor.quote(&entity.table)
        ));
        filtered(&mut count);
        let total: i64 = count.query().fetch_one(&self.store.pool).await?.try_get(0)?;
        let (name, descending) = query
            .sort
            .strip_prefix('-')
            .map_or((query.sort.as_str(), false), |name| (name, true));
        let column = columns.iter().find(|c| c.name == name && c.kind != Kind::Json);
        let Some(column) = column else {
            return Err(StoreError::NotFound(format!("no sort {name}")));
        };
        let direction = if descending { "DESC" } else { "ASC" };
        let mut page = self.select(entity, &columns);
        page.raw("owner_id = ");
        filtered(&mut page);
        page.raw(&format!(
            " ORDER BY {} {direction}, {} {direction} LIMIT ",
            vendor.quote(&column.name),
            vendor.quote("id")
        ));
        page.arg(Kind::Integer, Arg::Int(Some(query.limit)))
            .raw(" OFFSET ")
            .arg(Kind::Integer, Arg::Int(Some(query.offset)));
        let mut connection = self.store.pool.acquire().await?;
        let items = self.read(&mut connection, entity, &columns, &page).await?;
        Ok((items, total))
    }

    /// Runs a SELECT of `columns` and returns the rows in their API form, with their many-to-many ids.
    async fn read(
        &self,
        connection: &mut sqlx::AnyConnection,
        entity: &Entity,
        columns: &[Column],
        sql: &Sql,
    ) -> Result<Vec<Item>, StoreError> {
        let vendor = self.store.vendor;
        let rows = sql.query().fetch_all(&mut *connection).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let mut item = Item::new();
            for (index, column) in columns.iter().enumerate() {
                let text: Option<String> = row.try_get(index)?;
                let value = vendor
                    .from_db(column.kind, text)
                    .map_err(|why| StoreError::Other(format!("{}.{}: {why}", entity.table, column.name)))?;
                item.insert(column.name.clone(), value);
            }
            items.push(item);
        }
        self.read_links(connection, entity, &mut items).await?;
        Ok(items)
    }

    /// Adds each many-to-many relation's ids (sorted) to the rows.
    async fn read_links(
        &self,
        connection: &mut sqlx::AnyConnection,
        entity: &Entity,
        items: &mut [Item],
    ) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        let vendor = self.store.vendor;
        let id_kind = self.id_kind();
        for link in &entity.links {
            let (left, right) = (vendor.quote(&link.left), vendor.quote(&link.right));
            let mut sql = self.store.sql(&format!(
                "SELECT {}, {} FROM {} WHERE {left} IN (",
                vendor.read_expression(id_kind, &link.left),
                vendor.read_expression(id_kind, &link.right),
                vendor.quote(&link.table),
            ));
            let mut by_id: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    sql.raw(", ");
                }
                let arg = self
                    .id_arg(&item["id"])
                    .ok_or_else(|| StoreError::Other("a row id".to_owned()))?;
                sql.arg(id_kind, arg);
                by_id.insert(item["id"].to_string(), Vec::new());
            }
            sql.raw(&format!(") ORDER BY {right}"));
            for row in sql.query().fetch_all(&mut *connection).await? {
                let owner = vendor
                    .from_db(id_kind, row.try_get(0)?)
                    .map_err(StoreError::Other)?;
                let other = vendor
                    .from_db(id_kind, row.try_get(1)?)
                    .map_err(StoreError::Other)?;
                by_id.entry(owner.to_string()).or_default().push(other);
            }
            for item in items.iter_mut() {
                let ids = by_id.remove(&item["id"].to_string()).unwrap_or_default();
                item.insert(link.field.clone(), Value::Array(ids));
            }
        }
        Ok(())
    }

    /// One row of the owner.
    pub async fn get(&self, entity: &Entity, owner: i64, id: &str) -> Result<Item, StoreError> {
        let mut connection = self.store.pool.acquire().await?;
        self.get_in(&mut connection, entity, owner, &Value::String(id.to_owned()))
            .await
    }

    async fn get_in(
        &self,
        connection: &mut sqlx::AnyConnection,
        entity: &Entity,
        owner: i64,
        id: &Value,
    ) -> Result<Item, StoreError> {
        let key = self
            .id_arg(id)
            .ok_or_else(|| StoreError::NotFound("not found".to_owned()))?;
        let columns = self.columns(entity);
        let mut sql = self.select(entity, &columns);
        sql.raw("id = ")
            .arg(self.id_kind(), key)
            .raw(" AND owner_id = ")
            .arg(Kind::Integer, Arg::Int(Some(owner)));
        let mut items = self.read(connection, entity, &columns, &sql).await?;
        items
            .pop()
            .ok_or_else(|| StoreError::NotFound("not found".to_owned()))
    }

    /// Adds a row of the owner: the fields given, else their default, else NULL. Every referenced row must
    /// be one of the owner's.
    pub async fn create(&self, entity: &Entity, owner: i64, body: &Item) -> Result<Item, StoreError> {
        let vendor = self.store.vendor;
        let mut tx = self.store.pool.begin().await?;
        self.check_references(&mut tx, entity, owner, body).await?;
        let now = self.store.now_arg();
        let mut names = vec![
            "owner_id".to_owned(),
            "created_at".to_owned(),
            "updated_at".to_owned(),
        ];
        let mut args = vec![
            (Kind::Integer, Arg::Int(Some(owner))),
            (Kind::Instant, now.clone()),
            (Kind::Instant, now),
        ];
        let mut id = None;
        if self.model.uuid_ids() {
            let generated = Value::String(uuid::Uuid::now_v7().to_string());
            names.push("id".to_owned());
            args.push((
                self.id_kind(),
                self.id_arg(&generated)
                    .ok_or_else(|| StoreError::Other("uuid".to_owned()))?,
            ));
            id = Some(generated);
        }
        for field in &entity.fields {
            let value = body
                .get(&field.name)
                .or(field.default.as_ref())
                .unwrap_or(&Value::Null);
            let kind = Kind::of_field(&field.r#type, field.scale);
            let arg = vendor
                .to_db(kind, value)
                .map_err(|why| StoreError::Other(format!("{}: {why}", field.name)))?;
            names.push(field.name.clone());
            args.push((kind, arg));
        }
        for parent in &entity.parents {
            let value = body.get(&parent.column).unwrap_or(&Value::Null);
            let arg = if value.is_null() {
                vendor.to_db(self.id_kind(), value).map_err(StoreError::Other)?
            } else {
                self.id_arg(value)
                    .ok_or_else(|| StoreError::NotFound("the referenced row does not exist".to_owned()))?
            };
            names.push(parent.column.clone());
            args.push((self.id_kind(), arg));
        }
        let quoted: Vec<String> = names.iter().map(|name| vendor.quote(name)).collect();
        let mut sql = self.store.sql(&format!(
            "INSERT INTO {} ({}) VALUES (",
            vendor.quote(&entity.table),
            quoted.join(", ")
        ));
        for (index, (kind, arg)) in args.into_iter().enumerate() {
            if index > 0 {
                sql.raw(", ");
            }
            sql.arg(kind, arg);
        }
        sql.raw(")");
        let id = match id {
            Some(id) => {
                sql.query().execute(&mut *tx).await?;
                id
            }
            None if vendor == crate::values::Vendor::Mysql => {
                let result = sql.query().execute(&mut *tx).await?;
                Value::from(
                    result
                        .last_insert_id()
                        .ok_or_else(|| StoreError::Other("no insert id".to_owned()))?,
                )
            }
            None => {
                sql.raw(" RETURNING id");
                let row = sql.query().fetch_one(&mut *tx).await?;
                Value::from(row.try_get::<i64, _>(0)?)
            }
        };
        self.write_links(&mut tx, entity, &id, body, false).await?;
        let item = self.get_in(&mut tx, entity, owner, &id).await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Changes the fields the body gives (a PATCH) of one row of the owner.
    pub async fn update(
        &self,
        entity: &Entity,
        owner: i64,
        id: &str,
        body: &Item,
    ) -> Result<Item, StoreError> {
        let vendor = self.store.vendor;
        let id = Value::String(id.to_owned());
        let key = self
            .id_arg(&id)
            .ok_or_else(|| StoreError::NotFound("not found".to_owned()))?;
        let mut tx = self.store.pool.begin().await?;
        self.check_references(&mut tx, entity, owner, body).await?;
        let mut sql = self.store.sql(&format!(
            "UPDATE {} SET updated_at = ",
            vendor.quote(&entity.table)
        ));
        sql.arg(Kind::Instant, self.store.now_arg());
        let fields = entity
            .fields
            .iter()
            .map(|f| (&f.name, Kind::of_field(&f.r#type, f.scale)));
        let parents = entity.parents.iter().map(|p| (&p.column, self.id_kind()));
        for (name, kind) in fields.chain(parents) {
            let Some(value) = body.get(name) else { continue };
            let arg = match kind {
                Kind::Id { .. } if !value.is_null() => self
                    .id_arg(value)
                    .ok_or_else(|| StoreError::NotFound("the referenced row does not exist".to_owned()))?,
                _ => vendor
                    .to_db(kind, value)
                    .map_err(|why| StoreError::Other(format!("{name}: {why}")))?,
            };
            sql.raw(&format!(", {} = ", vendor.quote(name))).arg(kind, arg);
        }
        sql.raw(" WHERE id = ")
            .arg(self.id_kind(), key)
            .raw(" AND owner_id = ")
            .arg(Kind::Integer, Arg::Int(Some(owner)));
        if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
            return Err(StoreError::NotFound("not found".to_owned()));
        }
        self.write_links(&mut tx, entity, &id, body, true).await?;
        let item = self.get_in(&mut tx, entity, owner, &id).await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Stores the many-to-many ids the body gives (replacing the row's previous ones on an update).
    async fn write_links(
        &self,
        tx: &mut Transaction<'static, Any>,
        entity: &Entity,
        id: &Value,
        body: &Item,
        replace: bool,
    ) -> Result<(), StoreError> {
        let vendor = self.store.vendor;
        let id_kind = self.id_kind();
        let key = self
            .id_arg(id)
            .ok_or_else(|| StoreError::Other("a row id".to_owned()))?;
        for link in &entity.links {
            let Some(Value::Array(ids)) = body.get(&link.field) else {
                continue;
            };
            let (table, left, right) = (
                vendor.quote(&link.table),
                vendor.quote(&link.left),
                vendor.quote(&link.right),
            );
            if replace {
                let mut sql = self.store.sql(&format!("DELETE FROM {table} WHERE {left} = "));
                sql.arg(id_kind, key.clone()).query().execute(&mut **tx).await?;
            }
            for other in distinct(ids) {
                let arg = self
                    .id_arg(&other)
                    .ok_or_else(|| StoreError::NotFound("the referenced row does not exist".to_owned()))?;
                let mut sql = self
                    .store
                    .sql(&format!("INSERT INTO {table} ({left}, {right}) VALUES ("));
                sql.arg(id_kind, key.clone()).raw(", ").arg(id_kind, arg).raw(")");
                sql.query().execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    /// Every row the body references (`<relation>_id`, `<relation>_ids`) is one of the owner's.
    async fn check_references(
        &self,
        tx: &mut Transaction<'static, Any>,
        entity: &Entity,
        owner: i64,
        body: &Item,
    ) -> Result<(), StoreError> {
        let mut wanted: Vec<(&str, Vec<Value>)> = Vec::new();
        for parent in &entity.parents {
            if let Some(value) = body.get(&parent.column).filter(|value| !value.is_null()) {
                wanted.push((&parent.target, vec![value.clone()]));
            }
        }
        for link in &entity.links {
            if let Some(Value::Array(ids)) = body.get(&link.field) {
                wanted.push((&link.target, distinct(ids)));
            }
        }
        for (target, ids) in wanted {
            let table = &self
                .model
                .entity(target)
                .ok_or_else(|| StoreError::Other(format!("no entity {target}")))?
                .table;
            for id in ids {
                let missing = || StoreError::NotFound(format!("the referenced {target} does not exist"));
                let key = self.id_arg(&id).ok_or_else(missing)?;
                let mut sql = self.store.sql(&format!(
                    "SELECT COUNT(*) FROM {} WHERE id = ",
                    self.store.vendor.quote(table)
                ));
                sql.arg(self.id_kind(), key)
                    .raw(" AND owner_id = ")
                    .arg(Kind::Integer, Arg::Int(Some(owner)));
                let count: i64 = sql.query().fetch_one(&mut **tx).await?.try_get(0)?;
                if count == 0 {
                    return Err(missing());
                }
            }
        }
        Ok(())
    }

    /// Removes one row of the owner (a row a `restrict` relation still references is a conflict).
    pub async fn delete(&self, entity: &Entity, owner: i64, id: &str) -> Result<(), StoreError> {
        let key = self
            .id_arg(&Value::String(id.to_owned()))
            .ok_or_else(|| StoreError::NotFound("not found".to_owned()))?;
        let mut sql = self.store.sql(&format!(
            "DELETE FROM {} WHERE id = ",
            self.store.vendor.quote(&entity.table)
        ));
        sql.arg(self.id_kind(), key)
            .raw(" AND owner_id = ")
            .arg(Kind::Integer, Arg::Int(Some(owner)));
        if sql.query().execute(&self.store.pool).await?.rows_affected() == 0 {
            return Err(StoreError::NotFound("not found".to_owned()));
        }
        Ok(())
    }
}

/// The distinct ids of a list, in a stable order.
fn distinct(ids: &[Value]) -> Vec<Value> {
    let unique: BTreeSet<String> = ids.iter().map(Value::to_string).collect();
    unique
        .into_iter()
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect()
}
